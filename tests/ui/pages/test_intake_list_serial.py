"""受理列表 at 1366×768, keys only: a full 受理编号 typed or scanned (what the receipt's QR code holds)
finds its intake whatever the view and the dates, as the 网格事件 page's number field does."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from gridstation.core.intake import intakes, residents
from gridstation.core.rules import clock
from gridstation.ui.common.context import AppContext
from gridstation.ui.intake.intake_detail import IntakeDetailDialog
from gridstation.ui.intake.intake_page import IntakePage
from tests.helpers import activate, make_id, show_at_counter_size
from tests.ui.pages.test_intake_page import wait_for_list, wait_for_roster


@pytest.fixture
def page(qtbot, db_path, admin):
    widget = show_at_counter_size(qtbot, IntakePage(AppContext(target=str(db_path), staff=admin)))
    yield widget
    wait_for_list(qtbot, widget)
    wait_for_roster(qtbot, widget)
    for top in QApplication.topLevelWidgets():
        if top is not widget and top.isVisible():
            top.close()


def tab_to(qtbot, widget: QWidget) -> None:
    for _ in range(30):
        if QApplication.focusWidget() is widget:
            return
        qtbot.keyClick(QApplication.focusWidget() or widget.window(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is widget


def scan_serial(qtbot, page: IntakePage, serial: str) -> None:
    """The scanner types the number into 受理编号 (no Enter yet); the list reloads in the background."""
    edit = page.ui.serialFilterEdit
    tab_to(qtbot, edit)
    edit.selectAll()
    qtbot.keyClicks(edit, serial)
    wait_for_list(qtbot, page)


def test_a_full_number_finds_a_colleagues_intake_in_my_view_and_an_old_one_in_all(qtbot, page, clerk):
    resident = residents.save_resident(clerk, residents.ResidentInput(name="王五", doc_number=make_id()))
    today = clock.now().replace(microsecond=0)
    mine = intakes.create_intake(clerk, intakes.IntakeInput(resident.id, "unemployment", details={"docs_checked": True},
                                                            received_at=today))
    old = intakes.create_intake(clerk, intakes.IntakeInput(resident.id, "unemployment", details={"docs_checked": True},
                                                           received_at=today - dt.timedelta(days=800)))
    qtbot.keyClick(page.focusWidget(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)  # to 受理列表
    assert page.ui.tabs.currentIndex() == 1 and page.ui.viewCombo.currentText() == "我的在办"
    wait_for_list(qtbot, page)
    assert page.list_model.rowCount() == 0  # the admin has none of their own

    scan_serial(qtbot, page, mine.serial.lower())  # typed in lower case, too
    assert [page.list_model.row_at(i).serial for i in range(page.list_model.rowCount())] == [mine.serial]
    assert page.ui.countLabel.text() == f"按受理编号 {mine.serial} 查找（不限视图和日期）：显示 1 条"
    qtbot.keyClick(page.ui.serialFilterEdit, Qt.Key.Key_Return)  # one match opens at once
    qtbot.waitUntil(lambda: any(isinstance(w, IntakeDetailDialog) and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=10_000)
    for dialog in [w for w in QApplication.topLevelWidgets() if isinstance(w, IntakeDetailDialog)]:
        dialog.reject()
    activate(qtbot, page)

    tab_to(qtbot, page.ui.viewCombo)
    while page.ui.viewCombo.currentText() != "全部":
        qtbot.keyClick(page.ui.viewCombo, Qt.Key.Key_Down)
    wait_for_list(qtbot, page)
    assert page.ui.fromDate.date().toPython() > old.received_at.date()  # older than the range
    scan_serial(qtbot, page, old.serial)
    assert [page.list_model.row_at(i).serial for i in range(page.list_model.rowCount())] == [old.serial]

    scan_serial(qtbot, page, old.serial[:-4])  # part of a number: the beginning, within the view and dates
    assert [page.list_model.row_at(i).serial for i in range(page.list_model.rowCount())] == []
    assert page.ui.countLabel.text() == "显示 0 条"
    scan_serial(qtbot, page, old.serial[:-1] + "9")
    assert page.ui.countLabel.text() == f"按受理编号 {old.serial[:-1]}9 查找（不限视图和日期）：没有这个编号的受理"
