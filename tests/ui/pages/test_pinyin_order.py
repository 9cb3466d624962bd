"""Names in pinyin order where people look for them, and the pension roster's search box."""

from __future__ import annotations

from PySide6.QtCore import Qt

from gridstation.core.intake import intakes, residents
from gridstation.core.rules import clock
from gridstation.core.rules.pinyin_keys import sort_key
from gridstation.core.toolbox import tool_units
from gridstation.reports import labels
from gridstation.ui.common.context import AppContext
from gridstation.ui.intake.intake_page import IntakePage
from gridstation.ui.toolbox.tools_page import ToolsPage
from tests.helpers import activate, make_id, type_text

# Character-code order would be 周 (5468) < 张 (5f20) < 李 (674e) < 王 (738b) < 陈 (9648).
NAMES = ["周红", "张伟", "李霞", "王然", "陈静"]
PINYIN_ORDER = ["陈静", "李霞", "王然", "张伟", "周红"]


def pensioners(admin) -> dict[str, int]:
    people = {}
    for number, name in enumerate(NAMES):
        phone = f"1381234{number:04d}"
        people[name] = residents.save_resident(admin, residents.ResidentInput(
            name=name, doc_number=make_id("110105", "19500101", f"{11 + 2 * number:03d}"), phone=phone,
            is_pensioner=True)).id
    residents.save_resident(admin, residents.ResidentInput(name="王小明", doc_number=make_id(seq="901")))
    return people


def test_sort_key_is_pinyin_syllable_by_syllable():
    assert sorted(NAMES, key=sort_key) == PINYIN_ORDER
    assert sorted(NAMES) != PINYIN_ORDER
    # Joined pinyin would give liangpingxiu < lihaoqiang < linxuan < liqiangde < liuyue.
    assert sorted(["刘月", "李强德", "梁萍秀", "林轩", "李浩强"], key=sort_key) == [
        "李浩强", "李强德", "梁萍秀", "林轩", "刘月"]


def test_roster_is_in_pinyin_order_and_searchable(admin):
    people = pensioners(admin)
    year = clock.today().year
    assert [r.resident.name for r in intakes.pension_roster(year)] == PINYIN_ORDER
    assert [r.resident.name for r in intakes.pension_roster(year, "王")] == ["王然"]  # 王小明 is no pensioner
    assert [r.resident.name for r in intakes.pension_roster(year, "wr")] == ["王然"]
    assert [r.resident.name for r in intakes.pension_roster(year, "zh")] == ["张伟", "周红"]
    assert [r.resident.id for r in intakes.pension_roster(year, "0003")] == [people["王然"]]  # phone's last 4
    assert intakes.pension_roster(year, "没有这个人") == []


def test_roster_search_box_by_keyboard(qtbot, db_path, admin):
    pensioners(admin)
    page = IntakePage(AppContext(target=str(db_path), staff=admin))
    qtbot.addWidget(page)
    page.show()
    activate(qtbot, page)
    page.ui.tabs.setCurrentIndex(2)
    roster_read = lambda: page.roster_job is None  # noqa: E731 - the roster is read in the background
    qtbot.waitUntil(roster_read, timeout=10_000)
    names = [page.roster_model.row_at(i).resident.name for i in range(page.roster_model.rowCount())]
    assert names == PINYIN_ORDER
    page.ui.rosterSearchEdit.setFocus()
    qtbot.keyClicks(page.ui.rosterSearchEdit, "lx")
    qtbot.keyClick(page.ui.rosterSearchEdit, Qt.Key.Key_Return)
    qtbot.waitUntil(roster_read, timeout=10_000)
    assert [page.roster_model.row_at(i).resident.name for i in range(page.roster_model.rowCount())] == ["李霞"]
    assert "找到 1 人" in page.ui.rosterSummary.text()
    page.ui.rosterSearchEdit.clear()
    type_text(qtbot, page.ui.rosterSearchEdit, "周")  # no Enter: the list follows the typing
    qtbot.waitUntil(lambda: not page.roster_search_timer.isActive() and roster_read(), timeout=10_000)
    assert [page.roster_model.row_at(i).resident.name for i in range(page.roster_model.rowCount())] == ["周红"]


def test_labels_and_the_reservation_list_are_in_pinyin_order(qtbot, db_path, admin):
    for name in ["钻孔机", "电钻", "梯子", "扳手"]:
        kind = tool_units.save_kind(admin, tool_units.KindInput(name=name))
        tool_units.add_units(admin, kind.id, 1)
    order = ["扳手", "电钻", "梯子", "钻孔机"]
    assert [item.kind for item in labels.label_items()] == order
    page = ToolsPage(AppContext(target=str(db_path), staff=admin))
    qtbot.addWidget(page)
    page.show()
    page.reserve.refresh()
    combo = page.ui.reserveKindCombo
    assert [combo.itemText(i) for i in range(combo.count())] == order
