"""The 操作日志 in words: every kind of entry the services write reads as a Chinese sentence."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from PySide6.QtCore import Qt

from gridstation.core.care import care_settings
from gridstation.core.care import notes as care_notes
from gridstation.core.care import tags as care_tags
from gridstation.core.care import visits as care_visits
from gridstation.core.evaluation import ratings
from gridstation.core.events import lists as event_lists
from gridstation.core.events import mediation
from gridstation.core.events import register as events
from gridstation.core.events.diary_events import make_event
from gridstation.core.events.handover import hand_over
from gridstation.core.grids import boundaries, diary, people, places
from gridstation.core.grids import register as grid_register
from gridstation.core.grids.register import GridInput
from gridstation.core.intake import intakes, material_check, residents
from gridstation.core.intake.material_rules import DEFERRED, NOTICE
from gridstation.core.ledgers import audit_text, ledger_export
from gridstation.core.residents import status as resident_status
from gridstation.core.rules import clock
from gridstation.core.station import accounts, audit, backup, catalog, opening_days, printouts, roles, station
from gridstation.core.statistics import stats
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction
from gridstation.core.toolbox import lending, loan_lists, reservations, returns, tool_stocktake, tool_units
from tests.conftest import PASSWORD
from tests.helpers import make_id

ROOT = Path(__file__).resolve().parents[3] / "gridstation"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(60))  # what the photo check reads: a PNG's signature
TABLE_WORDS = re.compile(r"\b(intake|resident|staff|setting|service|loan|tool_kind|tool_unit|reservation|"
                         r"stock_take|database|report|None|True|False)\b")


def readable(text: str) -> None:
    assert text and "{" not in text and "[" not in text and '"' not in text, text
    assert not TABLE_WORDS.search(text), text
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text  # no field keys such as idle_lock_minutes


def test_every_kind_of_entry_reads_as_a_sentence(admin, head, clerk, tmp_path, db_path):
    station.update_settings(admin, {"idle_lock_minutes": 15})
    opening_days.set_day(admin, dt.date(2026, 12, 31), opening_days.CLOSED)
    accounts.set_role(admin, clerk.id, roles.HEAD)
    renamed = accounts.create_staff(admin, "zhaoliu", "赵六", roles.CLERK, "another123")
    accounts.rename_staff(admin, renamed.id, "赵陆")
    accounts.set_active(admin, clerk.id, False)
    accounts.set_active(admin, clerk.id, True)
    accounts.reset_password(admin, clerk.id, "another123")
    try:
        accounts.sign_in("clerk", "wrong-password")
    except Exception:
        pass
    accounts.sign_in("head", PASSWORD)
    accounts.change_own_password(head, PASSWORD, "newsecret1")
    wang = residents.save_resident(clerk, residents.ResidentInput(name="王然", doc_number=make_id(), phone="13812345678"))
    residents.save_resident(clerk, residents.ResidentInput(name="王然", doc_number=make_id(), phone="13912345678",
                                                           is_pensioner=True), wang.id)
    wage = intakes.create_intake(clerk, intakes.IntakeInput(wang.id, catalog.WAGE, action="欠薪投诉", details={
        "employer": "某建筑公司", "workers": "3", "amount_owed": "12000"}))
    printouts.record(clerk, printouts.RECEIPT, wage.serial, printed=True)
    intakes.change_status(clerk, wage.serial, intakes.COMPLETED, result="已追回",
                          completion={"amount_recovered": "12000", "outcome": "协商解决"})
    catalog.save_service(head, name="法律援助", promised_days=7, actions=["咨询"], fields=[{"label": "事由"}])
    catalog.save_service(head, code="falvyuanzhu", name="法律援助", promised_days=10, actions=["咨询", "代理"],
                         fields=[{"label": "事由"}])
    kind = tool_units.save_kind(head, tool_units.KindInput(name="电钻", deposit="50", parts=["钻头"]))
    tool_units.save_kind(head, tool_units.KindInput(name="电钻", deposit="80", parts=["钻头"]), kind.id)
    units = tool_units.add_units(head, kind.id, 2)
    tool_units.set_unit_state(clerk, units[1].asset_code, tool_units.REPAIR, "开关坏")
    today = clock.today()
    reservation = reservations.reserve(clerk, wang.id, kind.id, today + dt.timedelta(days=20), today + dt.timedelta(days=21))
    reservations.cancel_reservation(clerk, reservation.id)
    loan = lending.lend(clerk, wang.id, [units[0].asset_code])
    lending.renew(clerk, loan.slip_no)
    loan_lists.record_reminder(clerk, loan.slip_no, "明天归还")
    loan_lists.reveal_phone(clerk, loan.slip_no)
    returns.return_unit(clerk, units[0].asset_code)
    tool_stocktake.stock_take(clerk, [units[0].asset_code])
    other = tool_units.save_kind(head, tool_units.KindInput(name="梯子"))
    tool_units.delete_kind(head, other.id)
    ledger_export.export_rows(ledger_export.RESIDENTS, None, tmp_path / "r.xlsx", actor=admin)
    ledger_export.export_rows(ledger_export.ROSTER, today.year, tmp_path / "p.xlsx", True, actor=admin)
    backup.backup_site(admin, str(db_path), tmp_path / "backups")
    printouts.record(clerk, printouts.SLIP, loan.slip_no, printed=True)
    printouts.record(None, printouts.LABELS, printouts.ALL_LABELS, printed=True)
    stats.record_report(head, "2026年11月 月度统计", [tmp_path / "月度统计-2026-11.pdf"])
    with write_transaction():  # entries whose services need files or servers: the payloads they write
        audit.record(admin, "恢复", "database", "gridstation-20261130.db", after={"replaced_copy": "station-old.db"})
        audit.record(admin, "更改数据库位置", "database", "postgresql://gs@10.0.0.5/station")
        audit.record(None, "生成演示数据", "demo", 7, after={"residents": 400, "intakes": 1500, "loans": 60})
        audit.record(clerk, "预约过期", "reservation", "", after={"ids": [1, 2]})
        audit.record(admin, "导入", "residents", "居民台账.xlsx", after={
            "rows": 10, "created": 8, "updated": 1, "existing": 1, "bad_rows": 0, "valid_only": False})
        audit.record(admin, "导入未完成", "intakes", "受理台账.xlsx", after={"rows": 10, "bad_rows": 2})
        audit.record(admin, "导入受理", "intake", wage.serial, after={
            "service": catalog.WAGE, "action": "欠薪投诉", "details": {"employer": "某公司"}, "file": "受理台账.xlsx"})

    # 网格事件: registered with a photo, a dispute's party, the station's lists, the agreement printed
    photo = tmp_path / "before.png"
    photo.write_bytes(PNG)
    event = events.register_event(clerk, events.EventInput(
        category="矛盾纠纷", level="一般", description="邻里噪音纠纷", source="居民反映",
        reporter=events.PartyInput(resident_id=wang.id)))
    events.add_photo(clerk, event.number, photo, "处置前")
    mediation.add_party(clerk, event.number, events.PartyInput(name="李某", phone="13900001111"))
    event_lists.save_category(head, "噪音扰民", 5, 2)
    event_lists.save_partner(head, "物业公司")
    printouts.record(clerk, printouts.AGREEMENT, event.number, printed=True)
    with write_transaction():  # a ledger's service choice, as the import records it
        audit.record(admin, "记住业务对应", "setting", "ledger_service_map", after={"欠薪": catalog.WAGE})
        audit.record(admin, "记住列的对应", "setting", "ledger_column_map_events", after={"办理途径": "route"})

    # 材料: a 一次性告知 completed later, a 容缺 intake whose document came; 好差评 with its call-back and 申诉
    unemployment = intakes.IntakeInput(wang.id, catalog.UNEMPLOYMENT, details={"docs_checked": True})
    notice = material_check.create_checked_intake(clerk, unemployment, ["居民身份证"], mode=NOTICE,
                                                deadline=today + dt.timedelta(days=3))
    material_check.supply_missing(clerk, notice.serial)
    deferred = material_check.create_checked_intake(clerk, unemployment, ["居民身份证", "户口簿"], mode=DEFERRED,
                                                  deadline=today + dt.timedelta(days=3))
    material_check.supply_missing(clerk, deferred.serial)
    ratings.record_rating(clerk, deferred.serial, "不满意", channel="纸质卡", reasons=["效率"], text="等太久")
    ratings.record_visit(head, deferred.serial, "满意", "已改进")
    ratings.appeal(head, deferred.serial, "误评")
    printouts.record(clerk, printouts.PLEDGE, deferred.serial, printed=False)
    printouts.record(clerk, printouts.PLEDGE, deferred.serial, printed=True, detail={"printer": "窗口2 打印机"})
    printouts.record(head, printouts.REPORT, "2026年11月 月度统计", printed=True, detail={"file": "m.pdf"})

    # the grid register: the tree, buildings, people and roles, a handover; a resident's status
    east = grid_register.add_grid(head, GridInput(name="东片", level="三级"))
    typo = grid_register.add_grid(head, GridInput(name="第一网络", parent="东片"))
    grid_register.edit_grid(head, typo.id, GridInput(name="第一网格", parent="东片"))
    grid_register.edit_grid(head, typo.id, GridInput(name="第一网格", parent="东片", level="五级"))
    spare = grid_register.add_grid(head, GridInput(name="第二网格", level="五级"))
    building = places.add_building(head, places.BuildingInput("阳光小区", "3号楼", "第一网格"))
    places.edit_building(head, building.id, places.BuildingInput("阳光小区", "3号楼", "第一网格", households=40))
    places.set_unit(head, building.id, "1单元", "第二网格")
    places.move_building(head, building.id, "第二网格")
    boundaries.split_grid(head, east.id, [boundaries.SplitPart(GridInput(name="东片一", parent="东片"))], close=False)
    boundaries.merge_grids(head, spare.id, typo.id)
    grid_register.close_grid(head, grid_register.find_grid("东片一").id)
    zhang = people.add_person(head, people.PersonInput("张建国", phone="13812345678"))
    people.edit_person(head, zhang.id, people.PersonInput("张建国", phone="13812345678", phone_public=True))
    duty = people.assign_role(head, zhang.id, people.RoleInput("专职网格员", grid="第一网格"))
    people.end_role(head, duty.id)
    people.assign_role(head, zhang.id, people.RoleInput("网格长", grid="第一网格"))
    hand_over(head, zhang.id, people.add_person(head, people.PersonInput("李四")).id)
    entry = diary.write_entry(clerk, diary.DiaryInput(zhang.id, today, "路灯不亮", grid="第一网格"))
    make_event(clerk, entry.id, "民生诉求")
    # care: the tag list and its rules, a resident's tags, a visit, a major change, a 备注 moved, the settings
    old = residents.save_resident(clerk, residents.ResidentInput(name="赵老", doc_number=make_id(seq="931"),
                                                                 notes="独居老人"))
    kind = care_tags.add_tag_kind(head, "失独家庭", "关爱", "每月")
    care_tags.set_tag_rule(head, kind.id, "每季度", ["上门"])
    care_tags.end_tag(head, care_tags.add_tag(head, old.id, "重度残疾").id)
    care_visits.record_visit(clerk, care_visits.VisitInput(old.id, today, zhang.id))
    care_visits.record_change(clerk, old.id, "住院")
    care_notes.move_note(clerk, old.id, "独居老人", "独居老人", seen_notes="独居老人")
    care_settings.set_change_hours(head, 12)
    care_settings.set_visibility(head, "监管", ["head"])
    care_tags.tags_of(head, old.id, history=True)
    resident_status.change_status(clerk, wang.id, resident_status.MOVED_OUT, moved_to="昆明市盘龙区")

    entries = list(m.AuditLog.select().order_by(m.AuditLog.id))
    said = audit_text.sentences(entries)
    for text in said:
        readable(text)
    by_action: dict[str, str] = {}
    for entry, text in zip(entries, said, strict=True):
        by_action.setdefault(entry.action, text)  # the first entry of each kind
    assert by_action["修改设置"] == "管理员 修改了设置“自动锁定时间（分钟）”：10 → 15"
    assert by_action["修改开放日"] == "管理员 修改了设置“本站休息日”：（无） → 2026-12-31"
    assert by_action["修改角色"] == "管理员 修改角色 王小红：角色：窗口人员 → 站长"
    assert by_action["修改姓名"] == "管理员 修改姓名 赵陆：姓名：赵六 → 赵陆"
    assert by_action["新增居民"].startswith("王小红 新增居民 王然：")
    assert by_action["修改居民"].startswith("王小红 修改了居民 王然 的档案：")
    assert set(by_action["修改居民"].split("：", 1)[1].split("；")) == {
        "电话：13812345678 → 13912345678", "养老金领取人员：否 → 是"}
    assert by_action["新建受理"].startswith(f"王小红 为居民 王然 新建受理 {wage.serial}（讨薪·欠薪投诉）：")
    assert "用人单位：某建筑公司" in by_action["新建受理"]
    assert "欠薪金额：¥12,000.00" in by_action["新建受理"]
    assert by_action["办结"].startswith(f"王小红 把受理 {wage.serial}（居民 王然）从“受理”改为“办结”：")
    assert "办理结果：已追回" in by_action["办结"] and "追回金额：¥12,000.00" in by_action["办结"]
    assert by_action["打印回执"] == f"王小红 打印了受理 {wage.serial}（居民 王然）的回执"
    assert by_action["修改业务"] == "李站长 修改业务 法律援助：办理事项：咨询 → 咨询、代理；承诺时限（自然日）：7 → 10"
    assert "押金：50.00元 → 80.00元" in by_action["修改工具种类"]
    assert by_action["查看电话"] == f"王小红 查看了居民 王然 的完整电话（催还借用单 {loan.slip_no}）"
    assert by_action["登录失败"].startswith("以登录名“clerk”登录失败")
    assert by_action["修改密码"] == "李站长 修改了自己的密码"
    assert by_action["导出"].startswith("管理员 导出 居民台账")
    assert by_action["重命名网格"] == "李站长 重命名网格 WG002：名称：第一网络 → 第一网格"
    assert by_action["移动楼栋"] == "李站长 移动楼栋 阳光小区3号楼：网格：第一网格 → 第二网格"
    assert by_action["合并网格"].startswith("李站长 合并网格 WG002：") and "移入楼栋：1" in by_action["合并网格"]
    assert by_action["工作交接"] == "李站长 工作交接 网格力量 张建国：移交的岗位：1；接替人：李四"
    assert by_action["变更居民状态"] == ("王小红 变更居民状态 居民 王然：迁往：（空） → 昆明市盘龙区；状态：在册 → 迁出；"
                                   f"日期：（空） → {clock.today():%Y-%m-%d}")
    assert by_action["民情日志转为事件"].startswith("王小红 民情日志转为事件：事件：SJ")
    care = [text for entry, text in zip(entries, said, strict=True) if entry.entity_id.startswith("care_")]
    assert care == ["李站长 修改了设置“重大变故后走访时限（小时）”：24 → 12",
                    "李站长 修改了设置“关爱标签可查看人员”：关爱：窗口人员、站长；监管：站长、本网格网格员 → "
                    "关爱：窗口人员、站长；监管：站长"], care
    actions_seen = set(by_action)
    assert actions_in_source() <= actions_seen, actions_in_source() - actions_seen
    assert by_action["导出完整证件号"].startswith("管理员 导出完整证件号 养老金领取人员认证名单 p.xlsx：")
    assert by_action["导入受理"].startswith(f"管理员 为居民 王然 导入受理 {wage.serial}（讨薪·欠薪投诉）")
    assert by_action["打印资产标签"] == "系统 打印资产标签 （全部工具种类）"
    assert by_action["登记网格事件"].startswith(f"王小红 登记网格事件 {event.number}")
    assert by_action["登记网格事件"] == (f"王小红 登记网格事件 {event.number}：类别：矛盾纠纷；"
                                       f"办结期限：{event.due_date}；等级：一般；来源：居民反映")
    assert by_action["添加事件照片"] == f"王小红 添加事件照片 网格事件 {event.number}：阶段：处置前"
    assert by_action["添加当事人"] == f"王小红 添加当事人 网格事件 {event.number}：姓名：李某"
    assert by_action["打印调解协议书"] == f"王小红 打印调解协议书 网格事件 {event.number}"
    assert by_action["修改协作单位"].startswith("李站长 修改协作单位 物业公司")
    later = [text for entry, text in zip(entries, said, strict=True) if entry.entity_id in (notice.serial, deferred.serial)]
    assert later[1] == (f"王小红 一次性告知 受理 {notice.serial}（居民 王然）：补齐期限：{today + dt.timedelta(days=3)}；"
                        "缺少材料：户口簿、解除或终止劳动合同证明、近期一寸免冠照片")
    assert f"从“待补正”改为“受理”：承诺办结日期：{intakes.get_intake(notice.serial).due_date}" in later[2]
    assert later[3].startswith(f"王小红 补正完成 受理 {notice.serial}（居民 王然）：补交了 户口簿、解除或终止劳动合同证明、近期")
    assert by_action["登记评价"] == (f"王小红 登记评价 受理 {deferred.serial}（居民 王然）：评价渠道：纸质卡；评价：不满意；"
                                   "不满意原因：效率；意见：等太久")
    assert by_action["申诉"] == f"李站长 申诉 受理 {deferred.serial}（居民 王然）：原因：误评"
    assert by_action["记住业务对应"] == "管理员 记住了台账中的业务写法：“欠薪”→ 讨薪"
    assert by_action["记住列的对应"] == "管理员 记住了网格事件台账中的列：“办理途径”列 → 处置方式"
    assert by_action["预览容缺受理承诺书"] == f"王小红 预览容缺受理承诺书 受理 {deferred.serial}（居民 王然）"
    assert by_action["打印容缺受理承诺书"] == (f"王小红 打印容缺受理承诺书 受理 {deferred.serial}（居民 王然）："
                                          "打印机：窗口2 打印机")
    assert by_action["打印统计报表"] == "李站长 打印统计报表 2026年11月 月度统计：文件：m.pdf"
    assert by_action["生成统计报表"] == "李站长 生成统计报表 2026年11月 月度统计：文件：月度统计-2026-11.pdf"


def actions_in_source() -> set[str]:
    """Every action name an audit.record call in the program writes (both names of a conditional one)."""
    found = set()
    for path in ROOT.rglob("*.py"):
        for call in re.findall(r"audit\.record\(([^\n]*)", path.read_text(encoding="utf-8")):
            found |= set(re.findall(r'"([\u4e00-\u9fff]+)"', call.split(",", 2)[1] if "if" not in call else call))
    return found - {"全部"}


AFTER_KEYS = re.compile(r"(?:before|after)=\{([^}]*)\}", re.S)


def test_every_key_the_services_record_has_a_label():
    """A new audit.record call with a key nobody named would show nothing for it: name it in LABELS."""
    calls = []
    for path in ROOT.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        calls += [text[i:i + 600] for i in [m_.start() for m_ in re.finditer(r"audit\.record\(", text)]]
    assert len(calls) >= 35
    keys = set()
    for call in calls:
        for literal in AFTER_KEYS.findall(call.split("\n\n")[0]):
            keys |= set(re.findall(r'"([a-z_]+)"\s*:', literal))
    missing = keys - set(audit_text.LABELS) - audit_text.QUIET - {"details"}  # details: by the service's fields
    assert not missing, missing


def test_unknown_keys_and_old_rows_never_show_raw_text(admin):
    entry = audit.record(admin, "修改设置", "setting", "no_such_key", before={"no_such_key": 1}, after={"no_such_key": 2})
    text = audit_text.sentences([entry])[0]
    assert text == "管理员 修改了设置“其他设置”：1 → 2"
    gone = audit.record(admin, "修改居民", "resident", 987654, before={"phone": "1"}, after={"phone": "2"})
    assert audit_text.sentences([gone])[0] == "管理员 修改了居民 （已不在名册中的居民） 的档案：电话：1 → 2"


def test_the_log_tab_shows_sentences_not_json(qtbot, db_path, admin):
    from gridstation.ui.common.context import AppContext
    from gridstation.ui.window.main_window import MainWindow

    station.update_settings(admin, {"idle_lock_minutes": 15})
    window = MainWindow(AppContext(target=str(db_path), staff=admin))
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("settings")
    tab = page.extra_tabs["audit"]
    tab.refresh()
    model = tab.ui.auditTable.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    cells = [model.index(r, c).data() for r in range(model.rowCount()) for c in range(model.columnCount())]
    assert "管理员 修改了设置“自动锁定时间（分钟）”：10 → 15" in cells
    assert not any("{" in str(text) or "setting" in str(text) or "staff" in str(text) for text in cells)
    assert headers == ["时间", "操作", "内容"]


def test_the_log_filters_narrow_the_list(qtbot, db_path, admin, clerk):
    from gridstation.ui.common.context import AppContext
    from gridstation.ui.window.main_window import MainWindow
    from tests.helpers import type_text

    station.update_settings(admin, {"idle_lock_minutes": 15})
    accounts.sign_in("clerk", PASSWORD)
    window = MainWindow(AppContext(target=str(db_path), staff=admin))
    qtbot.addWidget(window)
    window.show()
    tab = window.show_page("settings").extra_tabs["audit"]
    tab.refresh()
    model = tab.ui.auditTable.model()
    everyone = model.rowCount()
    type_text(qtbot, tab.ui.userFilterEdit, "clerk")
    assert 0 < model.rowCount() < everyone
    assert all("王小红" in model.index(r, 2).data() for r in range(model.rowCount()))
    tab.ui.fromDate.setDate(tab.ui.toDate.date().addDays(1))
    assert model.rowCount() == 0
