"""The tool-box service layer on a real SQLite database: every rule, and every refusal stores nothing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from gridstation.core.intake import residents
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError, NotFound, PermissionDenied
from gridstation.core.station import audit
from gridstation.core.station.opening_days import Calendar
from gridstation.core.storage import models as m
from gridstation.core.storage import photos, settings
from gridstation.core.storage.db import write_transaction
from gridstation.core.toolbox import lending, loan_lists, reservations, returns, tool_units
from gridstation.core.toolbox import tool_stocktake as stock
from tests import helpers
from tests.helpers import make_id

pytestmark = pytest.mark.both_backends

TODAY = clock.today()


def snapshot() -> dict:
    """Every row of every table, and the audit log's length: a refusal must leave both unchanged."""
    return {"rows": helpers.snapshot(), "audit": m.AuditLog.select().count()}


@pytest.fixture
def refused():
    """Assert that the block raises ``kind`` with a message containing ``words`` and changes nothing."""
    def check(kind: type[Exception], *words: str):
        return _Refusal(kind, words)
    return check


class _Refusal:
    def __init__(self, kind: type[Exception], words: tuple[str, ...]) -> None:
        self.kind, self.words = kind, words

    def __enter__(self) -> None:
        self.before = snapshot()
        self._raises = pytest.raises(self.kind)
        self.info = self._raises.__enter__()

    def __exit__(self, *exc) -> bool:
        handled = self._raises.__exit__(*exc)
        message = self.info.value.message
        for word in self.words:
            assert word in message, message
        assert snapshot() == self.before
        return handled


def person(admin, name: str, seq: str, phone: str = "") -> m.Resident:
    return residents.save_resident(admin, residents.ResidentInput(name, make_id(seq=seq), phone=phone))


@pytest.fixture
def drill(admin) -> m.ToolKind:
    return tool_units.save_kind(admin, tool_units.KindInput("电钻", "电动工具", 7, "50", "戴护目镜", ["钻头", "充电器", "工具箱"]))


@pytest.fixture
def ladder(admin) -> m.ToolKind:
    return tool_units.save_kind(admin, tool_units.KindInput("梯子", "登高", 3, "0", "两人配合使用"))


@pytest.fixture
def shelf(admin, drill, ladder) -> dict[str, list[str]]:
    """Three drills (GJ-0001..3) and two ladders (GJ-0004..5)."""
    return {"drill": [u.asset_code for u in tool_units.add_units(admin, drill.id, 3)],
            "ladder": [u.asset_code for u in tool_units.add_units(admin, ladder.id, 2)]}


@pytest.fixture
def zhang(admin) -> m.Resident:
    return person(admin, "张三", "771", "13800138000")


@pytest.fixture
def li(admin) -> m.Resident:
    return person(admin, "李四", "773", "13900139000")


def state(code: str) -> str:
    return tool_units.get_unit(code).state


def paper_loan(actor, resident, codes, days_ago: int, loan_days: int, **kw) -> m.Loan:
    lent = dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(9, 30))
    due = lent.date() + dt.timedelta(days=loan_days)
    return lending.lend(actor, resident.id, codes, lent_at=lent, due_date=due, **kw)


# ---------------------------------------------------------------- catalogue

def test_save_kind_stores_deposit_in_fen_and_parts(drill):
    assert drill.deposit_fen == 5000
    assert tool_units.parts_of(drill) == ["钻头", "充电器", "工具箱"]
    assert drill.loan_days == 7 and drill.active


def test_negative_deposit_is_refused(admin, refused):
    with refused(DomainError, "押金不能为负数"):
        tool_units.save_kind(admin, tool_units.KindInput("电锤", deposit="-5"))


@pytest.mark.parametrize("data, words", [
    (tool_units.KindInput(""), "请填写工具名称"),
    (tool_units.KindInput("电锤", loan_days=0), "借用天数应在1至365天之间"),
    (tool_units.KindInput("电锤", loan_days="七"), "不是整数"),
    (tool_units.KindInput("电锤", deposit="12.345"), "两位小数"),
    (tool_units.KindInput("梯子"), "已存在"),
])
def test_bad_kind_input_is_refused(admin, ladder, refused, data, words):
    with refused(DomainError, words):
        tool_units.save_kind(admin, data)


def test_only_the_head_edits_the_catalogue(clerk, ladder, refused):
    with refused(PermissionDenied, "站长"):
        tool_units.save_kind(clerk, tool_units.KindInput("梯子", loan_days=5), ladder.id)


def test_edit_and_retire_kind(head, ladder):
    edited = tool_units.save_kind(head, tool_units.KindInput("梯子", "登高", 5, "20", active=False), ladder.id)
    assert (edited.loan_days, edited.deposit_fen, edited.active) == (5, 2000, False)
    assert m.AuditLog.select().where(m.AuditLog.action == "修改工具种类").count() == 1


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24  # the first bytes are what the photo rule checks


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("GRIDSTATION_DATA_DIR", str(folder))
    return folder


def test_a_kind_photo_is_stored_in_the_database_once(admin, ladder, data_dir, tmp_path):
    picked = tmp_path / "U盘" / "梯子 照片.PNG"
    picked.parent.mkdir()
    picked.write_bytes(PNG)
    kind = tool_units.save_kind(admin, tool_units.KindInput("梯子", photo=str(picked)), ladder.id)
    assert photos.is_stored(kind.photo) and photos.photo_bytes(kind.photo) == PNG
    assert m.Photo.get_by_id(kind.photo).mime == "image/png"
    picked.unlink()  # the USB stick is gone: the kind keeps its photo
    again = tool_units.save_kind(admin, tool_units.KindInput("梯子", loan_days=5, photo=kind.photo), ladder.id)
    assert again.photo == kind.photo and photos.photo_bytes(again.photo) == PNG
    other = tmp_path / "copy.png"
    other.write_bytes(PNG)
    assert tool_units.save_kind(admin, tool_units.KindInput("电锤", photo=str(other))).photo == kind.photo
    assert m.Photo.select().count() == 1  # one copy for both kinds
    assert tool_units.save_kind(admin, tool_units.KindInput("梯子", photo=""), ladder.id).photo == ""
    assert photos.photo_bytes("") is None
    # nothing in this PC's data folder but, for a server database, the audit chain's head (see core/station/audit.py)
    assert [p.relative_to(data_dir).parts[0] for p in data_dir.rglob("*") if p.is_file()] in ([], ["audit-heads"])


def test_a_backup_holds_the_kind_photo(db_path, admin, ladder, data_dir, tmp_path):
    from gridstation.core.station import backup, station
    from gridstation.core.storage import db as dbmod

    picked = tmp_path / "梯子.png"
    picked.write_bytes(PNG)
    tool_units.save_kind(admin, tool_units.KindInput("梯子", photo=str(picked)), ladder.id)
    copy = backup.backup_sqlite(str(db_path), tmp_path / "backups").path
    picked.unlink()
    dbmod.close_database()
    station.restore_file(None, str(tmp_path / "另一台电脑" / "station.db"), copy)
    assert photos.photo_bytes(tool_units.kind_by_name("梯子").photo) == PNG


def test_bad_photos_are_refused_and_nothing_is_stored(admin, ladder, data_dir, tmp_path, refused):
    text = tmp_path / "说明.png"
    text.write_text("不是图片", encoding="utf-8")
    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff\xd8\xff" + b"\x00" * photos.MAX_BYTES)
    for photo, words in ((str(text), "JPG、PNG"), (str(big), "过大"), (str(tmp_path / "none.jpg"), "找不到照片文件"),
                         ("a\x00b", "找不到照片文件"), (str(tmp_path), "找不到照片文件"),
                         ("0" * 64, "不在数据库中")):
        with refused(DomainError, words):
            tool_units.save_kind(admin, tool_units.KindInput("梯子", photo=photo), ladder.id)
    with refused(DomainError, "请填写工具名称"):  # other fields are checked before the file is read
        tool_units.save_kind(admin, tool_units.KindInput("", photo=str(big)))
    good = tmp_path / "good.png"
    good.write_bytes(PNG)
    with refused(DomainError, "已存在"):  # a kind refused inside the transaction stores no picture
        tool_units.save_kind(admin, tool_units.KindInput("梯子", photo=str(good)))
    assert m.Photo.select().count() == 0 and not data_dir.exists()
    assert photos.photo_bytes("photos/tools/0123456789abcdef.png") is None


def test_units_keep_their_purchase_date(admin, ladder, refused):
    bought = TODAY - dt.timedelta(days=400)
    units = tool_units.add_units(admin, ladder.id, 2, purchase_date=bought)
    assert [tool_units.get_unit(u.asset_code).purchase_date for u in units] == [bought, bought]
    with refused(DomainError, "购置日期不能晚于今天"):
        tool_units.add_units(admin, ladder.id, 1, purchase_date=TODAY + dt.timedelta(days=1))


def test_generated_asset_codes_are_unique_and_skip_entered_ones(admin, drill):
    tool_units.add_units(admin, drill.id, codes=["gj-0002", "ＧＪ－０００３"])
    generated = [u.asset_code for u in tool_units.add_units(admin, drill.id, 3)]
    assert generated == ["GJ-0001", "GJ-0004", "GJ-0005"]
    assert tool_units.asset_code(12) == "GJ-0012" and tool_units.is_station_code("GJ-0012")
    assert all(e.to_state == tool_units.AVAILABLE and e.note == "入库" for e in tool_units.unit_history("GJ-0004"))


@pytest.mark.parametrize("codes, words", [
    (["GJ-0001"], "已被使用"),
    (["A-1", "A-1"], "输入了不止一次"),
    (["坏编号"], "字母、数字或短横线"),
    ([" "], "请输入资产编号"),
])
def test_bad_entered_codes_are_refused(admin, drill, shelf, refused, codes, words):
    with refused(DomainError, words):
        tool_units.add_units(admin, drill.id, codes=codes)


def test_retired_kind_gets_no_new_units(admin, ladder, refused):
    tool_units.save_kind(admin, tool_units.KindInput("梯子", active=False), ladder.id)
    with refused(DomainError, "已停用"):
        tool_units.add_units(admin, ladder.id, 1)


def test_unit_state_changes_are_recorded(admin, clerk, shelf, refused):
    tool_units.set_unit_state(clerk, "GJ-0001", tool_units.REPAIR, "电机异响")
    assert state("GJ-0001") == tool_units.REPAIR
    history = tool_units.unit_history("GJ-0001")
    assert (history[0].from_state, history[0].to_state, history[0].note) == ("在库", "维修", "电机异响")
    assert history[0].staff.username == "clerk"
    with refused(PermissionDenied, "站长"):
        tool_units.set_unit_state(clerk, "GJ-0001", tool_units.SCRAPPED)
    with refused(DomainError, "已经是“维修”"):
        tool_units.set_unit_state(clerk, "GJ-0001", tool_units.REPAIR)
    with refused(DomainError, "只能改为"):
        tool_units.set_unit_state(clerk, "GJ-0001", tool_units.ON_LOAN)
    tool_units.set_unit_state(admin, "GJ-0001", tool_units.SCRAPPED, "无法修复")
    assert state("GJ-0001") == tool_units.SCRAPPED


def test_state_of_a_lent_unit_changes_only_by_return(admin, shelf, zhang, refused):
    lending.lend(admin, zhang.id, ["GJ-0001"])
    with refused(tool_units.UnitNotAvailable, "归还"):
        tool_units.set_unit_state(admin, "GJ-0001", tool_units.LOST)


def test_delete_kind_refused_while_units_are_on_loan(admin, shelf, zhang, refused):
    lending.lend(admin, zhang.id, ["GJ-0004"])
    with refused(DomainError, "正在借出", "不能删除"):
        tool_units.delete_kind(admin, tool_units.get_unit("GJ-0004").kind_id)


def test_delete_kind_with_history_is_refused_retire_instead(admin, shelf, zhang, refused):
    lending.lend(admin, zhang.id, ["GJ-0004"])
    returns.return_unit(admin, "GJ-0004")
    with refused(DomainError, "请改为停用"):
        tool_units.delete_kind(admin, tool_units.get_unit("GJ-0004").kind_id)


def test_delete_kind_entered_by_mistake(admin):
    kind = tool_units.save_kind(admin, tool_units.KindInput("错字工具"))
    tool_units.add_units(admin, kind.id, 2)
    tool_units.delete_kind(admin, kind.id)
    assert not m.ToolKind.select().where(m.ToolKind.id == kind.id).exists()
    assert m.ToolUnit.select().count() == 0 and m.UnitEvent.select().count() == 0


def test_kind_rows_count_units_per_state(admin, shelf, zhang):
    lending.lend(admin, zhang.id, ["GJ-0001"])
    tool_units.set_unit_state(admin, "GJ-0002", tool_units.REPAIR)
    rows = {r.kind.name: r for r in tool_units.kind_rows()}
    assert rows["电钻"].counts[tool_units.ON_LOAN] == 1 and rows["电钻"].counts[tool_units.REPAIR] == 1
    assert rows["电钻"].counts[tool_units.AVAILABLE] == 1 and rows["电钻"].total == 3
    assert rows["梯子"].counts[tool_units.AVAILABLE] == 2


# ---------------------------------------------------------------- lending

def test_lend_two_units_on_one_slip(admin, shelf, zhang):
    loan = lending.lend(admin, zhang.id, ["gj-0001", "GJ-0004"])
    assert loan.slip_no == f"JY{TODAY:%Y%m%d}0001"
    assert loan.deposit_fen == 5000  # drill ¥50 + ladder ¥0
    assert [i.unit.asset_code for i in lending.loan_items(loan)] == ["GJ-0001", "GJ-0004"]
    assert lending.item_parts(lending.loan_items(loan)[0]) == ["钻头", "充电器", "工具箱"]
    assert state("GJ-0001") == state("GJ-0004") == tool_units.ON_LOAN
    # The shortest loan period of the kinds on the slip decides the due date.
    assert loan.due_date == tool_units.default_due_date(TODAY, 3)
    assert tool_units.unit_history("GJ-0001")[0].note == f"借出，借用单 {loan.slip_no}"
    entry = m.AuditLog.select().where(m.AuditLog.action == "借出").get()
    assert entry.entity_id == loan.slip_no and audit.verify_chain() is None


def test_slip_numbers_are_gap_free_even_after_a_refusal(admin, shelf, zhang, li):
    first = lending.lend(admin, zhang.id, ["GJ-0001"])
    with pytest.raises(tool_units.UnitNotAvailable):
        lending.lend(admin, li.id, ["GJ-0002", "GJ-0001"])
    second = lending.lend(admin, li.id, ["GJ-0002"])
    assert int(second.slip_no[-4:]) == int(first.slip_no[-4:]) + 1


def test_lend_with_chosen_parts_deposit_and_due_date(admin, shelf, zhang):
    due = TODAY + dt.timedelta(days=2)
    loan = lending.lend(admin, zhang.id, ["GJ-0001"], parts={"GJ-0001": ["充电器", "钻头"]}, deposit="¥80",
                      due_date=due, notes="周末用")
    assert lending.item_parts(lending.loan_items(loan)[0]) == ["钻头", "充电器"]
    assert (loan.deposit_fen, loan.due_date, loan.notes) == (8000, due, "周末用")


def test_unknown_code_is_refused_naming_it(admin, shelf, zhang, refused):
    with refused(NotFound, "GJ-0999", "不存在"):
        lending.lend(admin, zhang.id, ["GJ-0001", "GJ-0999"])
    with refused(NotFound, "XQ-12", "不是本站的编号格式"):
        lending.lend(admin, zhang.id, ["XQ-12"])


def test_lending_a_unit_already_lent_is_refused(admin, shelf, zhang, li, refused):
    loan = lending.lend(admin, zhang.id, ["GJ-0001"])
    with refused(tool_units.UnitNotAvailable, "GJ-0001", "已借出", loan.slip_no):
        lending.lend(admin, li.id, ["GJ-0001"])


@pytest.mark.parametrize("unit_state, words", [
    (tool_units.REPAIR, "正在维修"), (tool_units.LOST, "已登记遗失"), (tool_units.SCRAPPED, "报废"),
])
def test_units_not_in_stock_are_refused_with_their_state(admin, shelf, zhang, refused, unit_state, words):
    tool_units.set_unit_state(admin, "GJ-0002", unit_state)
    with refused(tool_units.UnitNotAvailable, "GJ-0002", words):
        lending.lend(admin, zhang.id, ["GJ-0002"])


def test_retired_kind_is_not_lent(admin, shelf, zhang, ladder, refused):
    tool_units.save_kind(admin, tool_units.KindInput("梯子", active=False), ladder.id)
    with refused(tool_units.UnitNotAvailable, "已停用"):
        lending.lend(admin, zhang.id, ["GJ-0004"])


def test_same_code_twice_in_one_loan_is_refused(admin, shelf, zhang, refused):
    with refused(DomainError, "已在本次借出清单中"):
        lending.lend(admin, zhang.id, ["GJ-0001", "gj-0001"])


def test_borrower_over_the_limit_is_refused(admin, shelf, zhang, refused):
    lending.lend(admin, zhang.id, ["GJ-0001", "GJ-0002"])
    with refused(tool_units.OverLimit, "已借 2 件", "最多借 3 件", "还能借 1 件"):
        lending.lend(admin, zhang.id, ["GJ-0003", "GJ-0004"])
    lending.lend(admin, zhang.id, ["GJ-0003"])
    assert lending.borrower_status(zhang.id).units_out == 3


def test_limit_is_a_station_setting(admin, shelf, zhang, refused):
    with write_transaction():
        settings.put("loan_limit_units", 1)
    with refused(tool_units.OverLimit, "最多借 1 件"):
        lending.lend(admin, zhang.id, ["GJ-0001", "GJ-0004"])


def test_overdue_borrower_refused_without_override(admin, clerk, head, shelf, zhang, refused):
    overdue = paper_loan(admin, zhang, ["GJ-0001"], days_ago=20, loan_days=7)
    assert lending.borrower_status(zhang.id).overdue_slips == [overdue.slip_no]
    with refused(tool_units.BorrowerOverdue, "逾期", overdue.slip_no, "站长"):
        lending.lend(clerk, zhang.id, ["GJ-0004"])
    with refused(PermissionDenied, "站长或管理员"):
        lending.lend(clerk, zhang.id, ["GJ-0004"], override_reason="家中漏水急用")
    loan = lending.lend(head, zhang.id, ["GJ-0004"], override_reason="家中漏水急用")
    assert loan.override_reason == "家中漏水急用"
    entry = m.AuditLog.select().where(m.AuditLog.action == "借出").order_by(m.AuditLog.id.desc()).first()
    assert json.loads(entry.after)["override_reason"] == "家中漏水急用" and entry.username == "head"


def test_override_reason_is_not_stored_when_not_needed(head, shelf, zhang):
    assert lending.lend(head, zhang.id, ["GJ-0004"], override_reason="顺手写的").override_reason == ""


def test_due_date_before_lent_date_is_refused(admin, shelf, zhang, refused):
    with refused(DomainError, "应还日期不能早于借出日期"):
        lending.lend(admin, zhang.id, ["GJ-0001"], due_date=TODAY - dt.timedelta(days=1))


def test_lent_time_in_the_future_is_refused(admin, shelf, zhang, refused):
    with refused(DomainError, "借出时间不能晚于现在"):
        lending.lend(admin, zhang.id, ["GJ-0001"], lent_at=clock.now() + dt.timedelta(days=1))


def test_paper_loan_entered_later_keeps_its_date(admin, shelf, zhang):
    lent = dt.datetime.combine(TODAY - dt.timedelta(days=3), dt.time(15, 0))
    loan = lending.lend(admin, zhang.id, ["GJ-0004"], lent_at=lent)
    assert loan.entered_later and loan.lent_at == lent
    assert loan.slip_no.startswith(f"JY{lent:%Y%m%d}")
    assert loan.due_date == tool_units.default_due_date(lent.date(), 3)


def test_lending_without_a_borrower_is_refused(admin, shelf, refused):
    with refused(DomainError, "请先查找并选择借用的居民"):
        lending.lend(admin, None, ["GJ-0001"])


def test_unknown_part_is_refused(admin, shelf, zhang, refused):
    with refused(DomainError, "没有配件“电池”"):
        lending.lend(admin, zhang.id, ["GJ-0001"], parts={"GJ-0001": ["电池"]})


def test_two_windows_cannot_lend_one_unit(admin, shelf, zhang, li, monkeypatch, refused):
    """The other window lends the unit between this window's checks and its write."""
    real_plan = lending.plan_loan

    def plan_then_lost_race(*args, **kwargs):
        plan = real_plan(*args, **kwargs)
        m.ToolUnit.update(state=tool_units.ON_LOAN).where(m.ToolUnit.asset_code == "GJ-0001").execute()
        return plan

    monkeypatch.setattr(lending, "plan_loan", plan_then_lost_race)
    before = snapshot()
    with pytest.raises(tool_units.UnitNotAvailable, match="刚被其他窗口借出"):
        lending.lend(admin, li.id, ["GJ-0001"])
    assert snapshot() == before


def test_pick_a_unit_by_kind_name(admin, shelf, zhang, refused):
    assert lending.pick_unit("电钻").asset_code == "GJ-0001"
    assert lending.pick_unit("电钻", exclude=["gj-0001"]).asset_code == "GJ-0002"
    lending.lend(admin, zhang.id, ["GJ-0004", "GJ-0005"])
    with refused(tool_units.UnitNotAvailable, "“梯子”目前没有在库可借的工具"):
        lending.pick_unit("梯子")
    with refused(NotFound, "工具清单中没有“电锤”"):
        lending.pick_unit("电锤")



def test_an_empty_tool_box_says_where_tools_are_added(db_path, refused):
    with refused(NotFound, "工具清单中没有“电钻”。工具由站长在“工具箱”页的“工具 (F8)”中新建种类后添加"):
        lending.pick_unit("电钻")

def test_plan_previews_without_a_borrower_and_stores_nothing(admin, shelf):
    before = snapshot()
    plan = lending.plan_loan(admin, None, ["GJ-0001", "GJ-0004"])
    assert [p.unit.asset_code for p in plan.units] == ["GJ-0001", "GJ-0004"]
    assert plan.default_deposit_fen == 5000 and plan.due_date == plan.default_due_date
    assert snapshot() == before


# ---------------------------------------------------------------- opening days

def test_next_open_day_skips_closed_weekdays_and_holidays():
    saturday = dt.date(2025, 1, 4)
    weekdays = frozenset({0, 1, 2, 3, 4})
    assert Calendar(weekdays).next_open_day(saturday) == dt.date(2025, 1, 6)
    assert Calendar(weekdays, closed=frozenset({dt.date(2025, 1, 6)})).next_open_day(saturday) == dt.date(2025, 1, 7)
    assert Calendar(frozenset({5})).next_open_day(saturday) == saturday
    assert Calendar(frozenset()).next_open_day(saturday) == saturday


def test_default_due_date_moves_to_the_next_open_day(admin, shelf, zhang):
    monday = TODAY - dt.timedelta(days=TODAY.weekday() + 14)
    with write_transaction():
        settings.put("open_weekdays", [0, 1, 2, 3, 4])
        settings.put("national_calendar", False)  # the weeks alone, whatever day the suite runs on
        settings.put("holidays", [(monday + dt.timedelta(days=7)).isoformat()])
    # A drill lent on a Monday is due 7 days later, the next Monday: a holiday, so Tuesday.
    lent = dt.datetime.combine(monday, dt.time(10))
    loan = lending.lend(admin, zhang.id, ["GJ-0001"], lent_at=lent)
    assert loan.due_date == monday + dt.timedelta(days=8)


# ---------------------------------------------------------------- renewals

def test_renew_extends_within_the_limit(admin, shelf, zhang, refused):
    loan = lending.lend(admin, zhang.id, ["GJ-0004"])
    first = lending.renew(admin, loan.slip_no)
    assert first.renewals == 1 and first.due_date == tool_units.default_due_date(loan.due_date, 3)
    second = lending.renew(admin, loan.slip_no, due_date=first.due_date + dt.timedelta(days=2))
    assert second.renewals == 2 and second.due_date == first.due_date + dt.timedelta(days=2)
    with refused(DomainError, "已续借 2 次", "最多续借 2 次"):
        lending.renew(admin, loan.slip_no)


def test_renew_to_an_earlier_date_or_returned_slip_is_refused(admin, shelf, zhang, refused):
    loan = lending.lend(admin, zhang.id, ["GJ-0004"])
    with refused(DomainError, "应晚于原应还日期"):
        lending.renew(admin, loan.slip_no, due_date=loan.due_date)
    returns.return_unit(admin, "GJ-0004")
    with refused(DomainError, "已全部归还"):
        lending.renew(admin, loan.slip_no)


def test_renew_may_not_break_a_reservation(admin, shelf, zhang, li, ladder, refused):
    loan = lending.lend(admin, zhang.id, ["GJ-0004", "GJ-0005"])
    reservations.reserve(admin, li.id, ladder.id, loan.due_date + dt.timedelta(days=1), loan.due_date + dt.timedelta(days=2))
    with refused(tool_units.ReservedByOther, "已被其他居民预约"):
        lending.renew(admin, loan.slip_no, due_date=loan.due_date + dt.timedelta(days=3))


# ---------------------------------------------------------------- returns

def test_return_one_damaged_one_fine_with_deposit(admin, shelf, zhang):
    loan = lending.lend(admin, zhang.id, ["GJ-0001", "GJ-0002"], deposit="100")
    info = returns.open_item("GJ-0001")
    assert info.still_out == ["GJ-0001", "GJ-0002"] and info.loan.slip_no == loan.slip_no
    assert returns.suggested_refund(info, tool_units.DAMAGED) == 0
    returns.return_unit(admin, "GJ-0001", tool_units.DAMAGED, notes="钻头断了", deposit_refund="0")
    assert returns.suggested_refund(returns.open_item("GJ-0002"), tool_units.GOOD) == 5000
    returns.return_unit(admin, "GJ-0002", tool_units.GOOD)
    assert (state("GJ-0001"), state("GJ-0002")) == (tool_units.REPAIR, tool_units.AVAILABLE)
    loan = lending.get_loan(loan.slip_no)
    assert loan.deposit_refunded_fen == 5000 and lending.deposit_kept_fen(loan) == 5000
    damaged = m.LoanItem.get(m.LoanItem.unit == tool_units.get_unit("GJ-0001"))
    assert (damaged.return_condition, damaged.return_notes) == ("损坏", "钻头断了")
    assert "钻头断了" in tool_units.get_unit("GJ-0001").condition_notes
    assert [e.to_state for e in tool_units.unit_history("GJ-0001")] == ["维修", "借出", "在库"]


def test_all_good_returns_refund_the_whole_deposit(admin, shelf, zhang):
    loan = lending.lend(admin, zhang.id, ["GJ-0001", "GJ-0004"], deposit="70")
    returns.return_unit(admin, "GJ-0004")
    assert lending.deposit_kept_fen(lending.get_loan(loan.slip_no)) is None
    returns.return_unit(admin, "GJ-0001")
    assert lending.get_loan(loan.slip_no).deposit_refunded_fen == 7000
    assert lending.deposit_kept_fen(lending.get_loan(loan.slip_no)) == 0


def test_lost_and_incomplete_units(admin, shelf, zhang, refused):
    lending.lend(admin, zhang.id, ["GJ-0001", "GJ-0002"])
    with refused(DomainError, "缺少配件：充电器", "缺件"):
        returns.return_unit(admin, "GJ-0001", tool_units.GOOD, parts_back=["钻头", "工具箱"])
    returns.return_unit(admin, "GJ-0001", tool_units.MISSING_PARTS, parts_back=["钻头", "工具箱"])
    returns.return_unit(admin, "GJ-0002", tool_units.LOST_ON_LOAN, notes="居民称丢失")
    assert (state("GJ-0001"), state("GJ-0002")) == (tool_units.REPAIR, tool_units.LOST)
    item = m.LoanItem.get(m.LoanItem.unit == tool_units.get_unit("GJ-0001"))
    assert lending.item_parts(item, back=True) == ["钻头", "工具箱"]


def test_returning_twice_is_refused(admin, shelf, zhang, refused):
    lending.lend(admin, zhang.id, ["GJ-0001"])
    returns.return_unit(admin, "GJ-0001")
    with refused(tool_units.NotOnLoan, "GJ-0001", "没有借出", "在库"):
        returns.return_unit(admin, "GJ-0001")


def test_returning_unknown_code_is_refused(admin, shelf, refused):
    with refused(NotFound, "GJ-0042"):
        returns.return_unit(admin, "GJ-0042")


@pytest.mark.parametrize("kwargs, words", [
    ({"deposit_refund": "60"}, "不能超过未退押金 ¥50.00"),
    ({"deposit_refund": "-1"}, "不能为负数"),
    ({"condition": "很好"}, "归还情况只能是"),
    ({"parts_back": ["电池"]}, "不在这件工具借出时的配件中"),
])
def test_bad_return_input_is_refused(admin, shelf, zhang, refused, kwargs, words):
    lending.lend(admin, zhang.id, ["GJ-0001"])
    with refused(DomainError, words):
        returns.return_unit(admin, "GJ-0001", **kwargs)


def test_return_time_before_lending_is_refused(admin, shelf, zhang, refused):
    lending.lend(admin, zhang.id, ["GJ-0001"])
    with refused(DomainError, "归还时间不能早于借出时间"):
        returns.return_unit(admin, "GJ-0001", returned_at=clock.now() - dt.timedelta(days=2))


# ---------------------------------------------------------------- reservations and availability

def test_lending_a_unit_reserved_by_another_is_refused(admin, shelf, zhang, li, ladder, refused):
    tool_units.set_unit_state(admin, "GJ-0005", tool_units.REPAIR)  # one ladder left
    reservations.reserve(admin, zhang.id, ladder.id, TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=2))
    with refused(tool_units.ReservedByOther, "梯子", "已被其他居民预约"):
        lending.lend(admin, li.id, ["GJ-0004"])
    # Back the same day is fine; and the resident who reserved it may take it.
    lending.plan_loan(admin, li.id, ["GJ-0004"], due_date=TODAY)
    loan = lending.lend(admin, zhang.id, ["GJ-0004"])
    assert m.Reservation.get(m.Reservation.resident == zhang).status == tool_units.RES_COLLECTED
    assert loan.resident_id == zhang.id


def test_availability_counts_free_lent_and_reserved(admin, shelf, zhang, li, ladder):
    loan = lending.lend(admin, zhang.id, ["GJ-0004"])
    reservations.reserve(admin, li.id, ladder.id, TODAY, TODAY + dt.timedelta(days=1))
    grid = reservations.availability(TODAY, 7)[ladder.id]
    assert (grid[0].total, grid[0].lent, grid[0].reserved, grid[0].free) == (2, 1, 1, 0)
    after_due = (loan.due_date - TODAY).days + 1
    assert (grid[after_due].lent, grid[after_due].reserved, grid[after_due].free) == (0, 0, 2)


def test_reservation_needs_a_free_unit_every_day(admin, shelf, zhang, li, ladder, refused):
    lending.lend(admin, zhang.id, ["GJ-0004", "GJ-0005"])
    with refused(tool_units.ReservedByOther, "没有空闲的可预约"):
        reservations.reserve(admin, li.id, ladder.id, TODAY, TODAY + dt.timedelta(days=1))


@pytest.mark.parametrize("start, end, words", [
    (-1, 1, "不能早于今天"), (2, 1, "结束日期不能早于开始日期"), (0, 60, "最长60天"),
])
def test_bad_reservation_dates_are_refused(admin, shelf, zhang, ladder, refused, start, end, words):
    with refused(DomainError, words):
        reservations.reserve(admin, zhang.id, ladder.id, TODAY + dt.timedelta(days=start), TODAY + dt.timedelta(days=end))


def test_duplicate_reservation_is_refused(admin, shelf, zhang, ladder, refused):
    reservations.reserve(admin, zhang.id, ladder.id, TODAY, TODAY + dt.timedelta(days=2))
    with refused(DomainError, "已预约了“梯子”"):
        reservations.reserve(admin, zhang.id, ladder.id, TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=3))


def test_uncollected_reservation_expires_and_frees_the_unit(admin, shelf, zhang, li, ladder):
    tool_units.set_unit_state(admin, "GJ-0005", tool_units.REPAIR)
    res = reservations.reserve(admin, zhang.id, ladder.id, TODAY, TODAY + dt.timedelta(days=1))
    later = TODAY + dt.timedelta(days=2)
    assert reservations.availability(later, 1, today=later)[ladder.id][0].free == 1
    assert reservations.expire_reservations(admin, today=later) == 1
    assert m.Reservation.get_by_id(res.id).status == tool_units.RES_EXPIRED
    assert reservations.expire_reservations(admin, today=later) == 0


def test_cancel_reservation(admin, shelf, zhang, ladder, refused):
    res = reservations.reserve(admin, zhang.id, ladder.id, TODAY, TODAY)
    reservations.cancel_reservation(admin, res.id)
    assert reservations.reservation_rows() == []
    with refused(DomainError, "不能再取消"):
        reservations.cancel_reservation(admin, res.id)


# ---------------------------------------------------------------- overdue and reminders

def test_overdue_list_with_phone_days_and_reminders(admin, clerk, shelf, zhang, li):
    old = paper_loan(admin, zhang, ["GJ-0001"], days_ago=30, loan_days=10)
    paper_loan(admin, li, ["GJ-0004"], days_ago=5, loan_days=2)
    lending.lend(admin, person(admin, "王五", "775").id, ["GJ-0002"])  # not overdue
    rows = loan_lists.overdue_rows()
    assert [r.loan.slip_no for r in rows][0] == old.slip_no and len(rows) == 2
    assert rows[0].days_overdue == 20 and rows[0].masked_phone == "138****8000"
    assert rows[0].tools == [("电钻", "GJ-0001")]
    assert loan_lists.count_overdue() == 2
    loan_lists.record_reminder(clerk, old.slip_no, "无人接听")
    loan_lists.record_reminder(clerk, old.slip_no, "答应周六归还")
    first = loan_lists.overdue_rows()[0]
    assert (first.reminders, first.last_outcome) == (2, "答应周六归还")
    assert loan_lists.reveal_phone(clerk, old.slip_no) == "13800138000"
    assert m.AuditLog.select().where(m.AuditLog.action == "查看电话").count() == 1
    returns.return_unit(admin, "GJ-0001")
    assert loan_lists.count_overdue() == 1


def test_reminder_needs_an_outcome(admin, shelf, zhang, refused):
    loan = paper_loan(admin, zhang, ["GJ-0001"], days_ago=30, loan_days=10)
    with refused(DomainError, "请填写催还结果"):
        loan_lists.record_reminder(admin, loan.slip_no, "  ")


def test_loan_lists_filter_by_resident_unit_and_status(admin, shelf, zhang, li):
    a = lending.lend(admin, zhang.id, ["GJ-0001"])
    b = lending.lend(admin, li.id, ["GJ-0004", "GJ-0002"])
    returns.return_unit(admin, "GJ-0001")
    assert [r.loan.slip_no for r in loan_lists.loan_rows(loan_lists.LoanFilter(resident_id=zhang.id))] == [a.slip_no]
    assert [r.loan.slip_no for r in loan_lists.loan_rows(loan_lists.LoanFilter(asset_code="gj-0004"))] == [b.slip_no]
    assert [r.loan.slip_no for r in loan_lists.loan_rows(loan_lists.LoanFilter(status=loan_lists.OPEN))] == [b.slip_no]
    closed = loan_lists.loan_rows(loan_lists.LoanFilter(status=loan_lists.CLOSED))
    assert [r.status for r in closed] == ["已归还"]
    assert len(loan_lists.loan_rows(loan_lists.LoanFilter(), limit=1)) == 1


# ---------------------------------------------------------------- stock-take

def test_stock_take_reports_every_kind_of_discrepancy(admin, shelf, zhang):
    lending.lend(admin, zhang.id, ["GJ-0001"])
    tool_units.set_unit_state(admin, "GJ-0005", tool_units.LOST)
    result = stock.stock_take(admin, ["GJ-0002", "gj-0002", "GJ-0001", "GJ-0005", "GJ-0099", "XQ-2023-001", "GJ-0004"])
    assert result.scanned == 6
    assert result.matched == ["GJ-0002", "GJ-0004"]
    assert result.missing == ["GJ-0003"]
    assert result.on_loan == ["GJ-0001"]
    assert result.other_state == ["GJ-0005（遗失）"]
    assert result.unknown == ["GJ-0099"]
    assert result.foreign == ["XQ-2023-001"]
    assert not result.clean
    saved = stock.get_stock_take(result.id)
    assert saved == result
    assert stock.stock_take_rows()[0].id == result.id
    assert state("GJ-0005") == tool_units.LOST  # a stock-take reports; it does not change states


def test_stock_take_of_a_code_in_another_station_format(admin, shelf, refused):
    assert stock.scan_category("XQ-2023-001") == (stock.FOREIGN, None)
    assert stock.scan_category("GJ-0002")[0] == stock.MATCHED
    result = stock.stock_take(admin, ["XQ-2023-001"])
    assert result.foreign == ["XQ-2023-001"] and len(result.missing) == 5
    with refused(DomainError, "还没有扫描"):
        stock.stock_take(admin, [" ", ""])


def test_dates_no_slip_or_call_can_carry_are_refused(admin, shelf, zhang, refused):
    """Found by the property tests: a paper loan in year 1 got the slip number JY101010001, which the
    return screen's QR scan no longer recognises; a reminder call could predate its loan."""
    with refused(DomainError, "不能早于2000年"):
        lending.lend(admin, zhang.id, ["GJ-0001"], lent_at=dt.datetime(1, 1, 1))
    lent = clock.now() - dt.timedelta(hours=2)
    loan = lending.lend(admin, zhang.id, ["GJ-0001"], lent_at=lent)
    assert tool_units.is_slip_no(loan.slip_no)
    with refused(DomainError, "催还时间不能早于借出时间"):
        loan_lists.record_reminder(admin, loan.slip_no, "无人接听", at=lent - dt.timedelta(minutes=1))


def test_huge_ids_and_amounts_are_refused_in_chinese(admin, drill, zhang, refused):
    """Found by the property tests: these raised OverflowError / InvalidOperation instead."""
    with refused(NotFound, "工具种类"):
        tool_units.add_units(admin, 2**63, 1)
    with refused(NotFound, "居民"):
        reservations.reserve(admin, 10**20, drill.id, TODAY, TODAY)
    with refused(DomainError, "押金过大"):
        tool_units.save_kind(admin, tool_units.KindInput("电锤", deposit="1" + "0" * 26))
