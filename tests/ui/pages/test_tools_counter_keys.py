"""The tool box at the counter's 1366×768, driven by keys as a clerk drives it: a second Ctrl+Enter
right after a save leaves the green confirmation standing, the lists read in pinyin order, and the
buttons that had no key answer one."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from gridstation.core.rules import clock
from gridstation.core.storage import models as m
from gridstation.core.toolbox import lending, reservations, tool_units
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.theme import apply_theme
from gridstation.ui.toolbox.tools_page import ToolsPage
from tests.helpers import show_at_counter_size, type_text
from tests.ui.pages.test_tools_page import scan, stock, wait_overdue  # noqa: F401 - stock: a fixture
from tests.ui.test_saving import close_other_windows

CTRL = Qt.KeyboardModifier.ControlModifier


def open_page(qtbot, db_path, staff) -> ToolsPage:
    apply_theme(QApplication.instance())
    page = show_at_counter_size(qtbot, ToolsPage(AppContext(target=str(db_path), staff=staff)))
    wait_overdue(qtbot, page)
    return page


@pytest.fixture
def page(qtbot, db_path, admin, stock):
    yield open_page(qtbot, db_path, admin)
    close_other_windows()


def key(qtbot, keys: str) -> None:
    """One key press (``"Ctrl+Return"``, ``"F9"``) to the widget with the focus, as the keyboard sends it."""
    sequence = QKeySequence(keys)[0]
    qtbot.keyClick(QApplication.focusWidget(), sequence.key(), sequence.keyboardModifiers())


def ctrl_enter_twice(qtbot) -> None:
    """The trial's ``xdotool key --delay 5 ctrl+Return ctrl+Return``: the second press comes once the
    first save has ended (a save that prints nothing does not turn the event loop)."""
    key(qtbot, "Ctrl+Return")
    key(qtbot, "Ctrl+Return")


# --- a second Ctrl+Enter right after a save ------------------------------------------------------

def test_a_second_ctrl_enter_right_after_a_return_leaves_the_confirmation(qtbot, page, admin, stock):
    lending.lend(admin, stock["zhang"].id, ["GJ-0004", "GJ-0005"])
    key(qtbot, "F6")
    scan(qtbot, page.ui.returnScanEdit, "GJ-0004")
    ctrl_enter_twice(qtbot)
    assert page.returns.banner.look == "ok", page.ui.returnBannerText.text()
    assert "已归还 梯子 GJ-0004" in page.ui.returnBannerText.text()
    assert page.ui.returnLog.count() == 1
    # The next tool, scanned at once, is a new request: it is returned as usual.
    scan(qtbot, page.ui.returnScanEdit, "GJ-0005")
    key(qtbot, "Ctrl+Return")
    assert "已归还 梯子 GJ-0005" in page.ui.returnBannerText.text() and page.ui.returnLog.count() == 2


def test_a_second_ctrl_enter_right_after_a_reservation_leaves_the_confirmation(qtbot, page, stock):
    key(qtbot, "F9")
    type_text(qtbot, page.reserve.picker.edit, "zs")
    key(qtbot, "Return")
    assert page.reserve.resident is not None and page.reserve.resident.id == stock["zhang"].id
    ctrl_enter_twice(qtbot)
    assert page.reserve.banner.look == "ok", page.ui.reserveBannerText.text()
    assert "已为张三预约" in page.ui.reserveBannerText.text()
    assert m.Reservation.select().count() == 1


def test_a_second_ctrl_enter_right_after_a_loan_or_a_stock_take_leaves_the_confirmation(qtbot, page):
    page.ui.printSlipCheck.setChecked(False)  # a slip waits for its PDF, which already swallowed the press
    key(qtbot, "F2")
    type_text(qtbot, page.lending.picker.edit, "zs")
    key(qtbot, "Return")
    scan(qtbot, page.ui.lendScanEdit, "GJ-0004")
    ctrl_enter_twice(qtbot)
    assert page.lending.banner.look == "ok" and "借出成功" in page.ui.lendBannerText.text()

    key(qtbot, "F10")
    scan(qtbot, page.ui.stockScanEdit, "GJ-0001")
    ctrl_enter_twice(qtbot)
    assert page.stock.banner.look == "limit" and "盘点结果已保存" in page.ui.stockBannerText.text()
    assert m.StockTake.select().count() == 1  # not a second, empty stock-take


def test_a_double_del_cancels_one_reservation_not_the_next(qtbot, page, admin, stock):
    ladder = tool_units.get_unit("GJ-0004").kind
    start = clock.today() + dt.timedelta(days=1)
    for who in ("zhang", "li"):
        reservations.reserve(admin, stock[who].id, ladder.id, start, start)
    key(qtbot, "F9")
    for _ in range(12):  # Tab to the list of reservations
        if QApplication.focusWidget() is page.ui.reservationsTable:
            break
        key(qtbot, "Tab")
    assert QApplication.focusWidget() is page.ui.reservationsTable
    key(qtbot, "Down")
    key(qtbot, "Delete")
    key(qtbot, "Delete")
    assert m.Reservation.select().where(m.Reservation.status == tool_units.RES_CANCELLED).count() == 1
    assert page.reserve.banner.look == "ok", page.ui.reserveBannerText.text()


# --- one Chinese order ---------------------------------------------------------------------------

def test_the_availability_grid_and_the_catalogue_list_kinds_in_pinyin_order(qtbot, db_path, admin):
    """Code-point order would read 万用表, 人字梯, 卷尺, 吸尘器, 扳手套装 (categories 五金, 电动工具, 登高)."""
    for name, category in (("万用表", "五金"), ("人字梯", "登高"), ("卷尺", "五金"), ("吸尘器", "电动工具"),
                           ("扳手套装", "五金")):
        kind = tool_units.save_kind(admin, tool_units.KindInput(name=name, category=category))
        tool_units.add_units(admin, kind.id, 1)
    page = open_page(qtbot, db_path, admin)
    key(qtbot, "F9")
    assert [name for name, _days in page.reserve.availability.rows] == ["扳手套装", "卷尺", "人字梯", "万用表", "吸尘器"]
    combo = page.ui.reserveKindCombo
    assert [combo.itemText(i) for i in range(combo.count())] == ["扳手套装", "卷尺", "人字梯", "万用表", "吸尘器"]
    key(qtbot, "F8")
    assert [row.kind.name for row in page.catalogue.kinds] == ["人字梯", "吸尘器", "扳手套装", "卷尺", "万用表"]


# --- every button answers a key ------------------------------------------------------------------

@pytest.mark.parametrize(("tab_key", "owner", "button", "keys"), [
    ("F5", "lending", "exportLoansButton", "Alt+E"),
    ("F7", "overdue", "exportOverdueButton", "Alt+E"),
    ("F10", "stock", "printStockButton", "Ctrl+P"),
    ("F10", "stock", "resetStockButton", "Ctrl+N"),
    ("F8", "catalogue", "choosePhotoButton", "Alt+P"), ("F8", "catalogue", "clearPhotoButton", "Alt+X"),
    ("F8", "catalogue", "addUnitsButton", "Alt+A"), ("F8", "catalogue", "addCodesButton", "Alt+B"),
])
def test_the_buttons_without_a_key_answer_one(qtbot, page, tab_key, owner, button, keys):
    key(qtbot, tab_key)
    widget = getattr(getattr(page, owner).ui, button)
    letter = keys.removeprefix("Alt+")
    assert f"(&{letter})" in widget.text() if keys.startswith("Alt+") else widget.text().endswith(f"({keys})")
    pressed: list[str] = []
    widget.clicked.disconnect()  # the key is under test here, not the file dialog or preview it opens
    widget.clicked.connect(lambda _checked=False: pressed.append(button))
    key(qtbot, keys)
    qtbot.waitUntil(lambda: pressed == [button], timeout=5000)
