"""A save in flight ignores a second trigger (ui/common/saving.py), in every dialog and page that saves.

Two Ctrl+Enter a few milliseconds apart saved two identical intakes: both key presses were queued
before the first was handled, and the second fired while the first save waited for its receipt. The
tests queue two key presses the same way, back to back, and count what was stored.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton

from gridstation.core.events import register as events
from gridstation.core.intake import residents
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.saving import one_at_a_time
from gridstation.ui.events.event_dialogs import EventDetailDialog, RegisterEventDialog
from gridstation.ui.intake.resident_dialog import ResidentDialog
from tests.helpers import activate, make_id, type_text
from tests.ui.pages.test_intake_page import choose_service
from tests.ui.pages.test_intake_page import page as intake_page  # noqa: F401 - a fixture
from tests.ui.pages.test_tools_page import find_borrower, scan, stock  # noqa: F401 - stock: a fixture
from tests.ui.pages.test_tools_page import page as tools_page  # noqa: F401 - a fixture

CTRL = Qt.KeyboardModifier.ControlModifier


def press_twice(qtbot, widget, key, modifier=CTRL) -> None:
    """Two key presses queued before the first is handled, as a quick double press reaches Qt."""
    pressed: list[int] = []

    def press() -> None:
        QTest.keyClick(widget, key, modifier)
        pressed.append(1)

    QTimer.singleShot(0, press)
    QTimer.singleShot(0, press)
    qtbot.waitUntil(lambda: len(pressed) == 2, timeout=30_000)
    QApplication.processEvents()


def close_other_windows(*keep) -> None:
    for top in QApplication.topLevelWidgets():
        if top not in keep and top.isVisible():
            top.close()


def test_two_ctrl_enter_save_one_intake(qtbot, intake_page, admin):
    zhang = residents.save_resident(admin, residents.ResidentInput(name="李四", doc_number=make_id(),
                                                                   phone="13900001111"))
    intake_page.choose_resident(zhang.id)
    choose_service(intake_page, "失业证")
    intake_page.fields.set_value("docs_checked", True)
    activate(qtbot, intake_page)
    press_twice(qtbot, intake_page.ui.documentsEdit, Qt.Key.Key_Return)
    assert m.Intake.select().count() == 1
    assert "已保存" in intake_page.ui.messageLabel.text()


def test_two_ctrl_enter_lend_once(qtbot, tools_page, stock):
    """With the slip printed (it waits for the PDF in a turning event loop)."""
    tools_page.ui.printSlipCheck.setChecked(True)
    find_borrower(qtbot, tools_page, "zs")
    scan(qtbot, tools_page.ui.lendScanEdit, "GJ-0004")
    press_twice(qtbot, tools_page.ui.lendScanEdit, Qt.Key.Key_Return)
    assert m.Loan.select().count() == 1
    close_other_windows(tools_page)


def test_two_ctrl_s_save_one_resident(qtbot, db_path, admin):
    dialog = ResidentDialog(AppContext(target=str(db_path), staff=admin))
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    type_text(qtbot, dialog.ui.docEdit, make_id())
    type_text(qtbot, dialog.ui.nameEdit, "张三")
    press_twice(qtbot, dialog.ui.nameEdit, Qt.Key.Key_S)
    assert m.Resident.select().count() == 1


def test_two_ctrl_s_register_one_event(qtbot, db_path, admin):
    dialog = RegisterEventDialog(AppContext(target=str(db_path), staff=admin))
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    type_text(qtbot, dialog.descriptionEdit, "路灯不亮")
    press_twice(qtbot, dialog.descriptionEdit, Qt.Key.Key_S)
    assert m.GridEvent.select().count() == 1


def test_two_ctrl_enter_record_one_progress_note_on_an_event(qtbot, db_path, admin):
    event = events.register_event(admin, events.EventInput(category="设施损坏", level="一般", description="路灯不亮",
                                                           source="巡查发现"))
    dialog = EventDetailDialog(AppContext(target=str(db_path), staff=admin), event.number)
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    dialog.actionCombo.setCurrentText("进展")
    type_text(qtbot, dialog.textEdit, "已联系供电所")
    before = len(events.history(event))
    press_twice(qtbot, dialog.textEdit, Qt.Key.Key_Return)
    assert len(events.history(events.get_event(event.number))) == before + 1


class Saver(QPushButton):
    def __init__(self) -> None:
        super().__init__("保存")
        self.calls = 0
        self.clicked.connect(self.save)

    @one_at_a_time
    def save(self) -> int:
        self.calls += 1
        if self.calls == 1:
            self.click()  # a second trigger while this save is in flight
        return self.calls


def test_the_guard_ignores_a_trigger_while_its_save_runs_and_takes_the_next(qtbot):
    saver = Saver()
    qtbot.addWidget(saver)
    saver.show()
    saver.click()  # clicked(bool): the guard drops the argument save() does not take
    assert saver.calls == 1
    assert saver.save() is None  # the same press again a moment after the save: it settles, ignored
    QTest.keyClick(saver, Qt.Key.Key_A)  # something typed since: a new request
    assert saver.save() == 2  # once the first save has ended and settled, the next one runs


def test_another_key_or_a_mouse_press_ends_the_settling_but_the_save_keys_do_not(qtbot):
    saver = Saver()
    qtbot.addWidget(saver)
    saver.show()
    saver.click()
    for save_key, modifier in ((Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier),
                               (Qt.Key.Key_Enter, Qt.KeyboardModifier.NoModifier),
                               (Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier),
                               (Qt.Key.Key_Control, Qt.KeyboardModifier.ControlModifier)):
        QTest.keyClick(saver, save_key, modifier)  # the save's own keys again: still the same press
        assert saver.save() is None
    QTest.keyClick(saver, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # e.g. Alt+C 清除照片 first
    assert saver.save() == 2
    qtbot.mouseClick(saver, Qt.MouseButton.LeftButton)  # a mouse press is a new request too
    assert saver.calls == 3


class Refuser(QPushButton):
    @one_at_a_time
    def save(self) -> None:
        """A save that refused (it stored nothing, so it returns None)."""
        self.calls = getattr(self, "calls", 0) + 1


def test_a_refused_save_does_not_settle(qtbot):
    refuser = Refuser()
    qtbot.addWidget(refuser)
    refuser.save()
    refuser.save()  # the corrected form, saved at once
    assert refuser.calls == 2


@pytest.fixture(autouse=True)
def _no_windows_left():
    yield
    close_other_windows()
