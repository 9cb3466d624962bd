"""Resident-screen cases that need a PC with two screens: ``test_resident_screen.py`` runs this file in
its own Qt process whose offscreen platform has them (``QT_QPA_PLATFORM=offscreen:configfile=...``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMainWindow

from gridstation.core.evaluation import ratings, rectification
from gridstation.core.evaluation.rules import SCREEN
from gridstation.core.intake import residents
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.theme import apply_theme
from gridstation.ui.evaluation.resident_screen import CONFIRM, IDLE, RATE, REASONS_PAGE, THANKS, ResidentScreen
from gridstation.ui.intake.intake_page import IntakePage
from tests.helpers import activate, make_id, type_text
from tests.ui.pages.test_intake_page import page  # noqa: F401 - the counter's page, as its own tests drive it

ID = make_id("530111", "19700101", "021")
SHOTS = Path(os.environ.get("GRIDSTATION_SHOTS", "")) if os.environ.get("GRIDSTATION_SHOTS") else None



@pytest.fixture(autouse=True)
def two_screens(qapp):
    if len(QGuiApplication.screens()) < 3:
        pytest.skip("needs the three-screen offscreen set-up of test_resident_screen.py")


@pytest.fixture
def resident(admin):
    apply_theme(QApplication.instance())  # the bundled font, so the screenshots show Chinese
    return residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=ID))


def pension_intake_typed(qtbot, page) -> None:
    type_text(qtbot, page.picker.edit, ID)
    qtbot.keyClick(page.picker.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.resident is not None)
    combo = page.ui.serviceCombo
    while combo.currentText() != "养老保险待遇资格认证":
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: page.fields.widgets["cert_year"].isVisible())
    type_text(qtbot, page.fields.widgets["cert_year"], "2026")
    way = page.fields.widgets["way"]
    way.setFocus()
    qtbot.keyClick(way, Qt.Key.Key_Down)


def save(qtbot, page) -> None:
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def shot(window, name: str) -> None:
    if SHOTS is not None:
        window.grab().save(str(SHOTS / name))


def test_the_window_is_full_screen_on_the_second_screen_and_shows_what_is_typed(qtbot, page, resident):
    window = page.resident_screen.window
    second = QGuiApplication.screens()[1]
    assert window.isVisible() and window.isFullScreen() and window.screen() is second
    assert window.geometry() == second.geometry()
    assert window.pages.currentIndex() == IDLE
    pension_intake_typed(qtbot, page)
    assert window.pages.currentIndex() == CONFIRM
    text = window.details.text()
    assert "张三" in text and "530111********021X" in text and ID not in text
    assert "养老保险待遇资格认证·生存认证" in text and "居民身份证（原件1份）、社会保障卡（原件1份）" in text
    box = next(b for b, d in page.materials.boxes if d.name == "社会保障卡")
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert "社会保障卡" not in window.details.text()
    # The clerk's window keeps the keyboard all along.
    assert QApplication.focusWidget() is box and window.isActiveWindow() is False
    shot(window, "resident-confirm-1920x1080.png")


def test_rate_5_by_key_after_the_save(qtbot, page, resident):
    window = page.resident_screen.window
    pension_intake_typed(qtbot, page)
    save(qtbot, page)
    serial = page.last_intake.serial
    assert window.pages.currentIndex() == RATE and window.serial == serial
    shot(window, "resident-rate-1920x1080.png")
    qtbot.keyClick(window, Qt.Key.Key_5)
    rating = ratings.rating_of(serial)
    assert (rating.level, rating.channel, rating.recorded_by_id) == ("非常满意", SCREEN, page.ctx.staff.id)
    assert window.pages.currentIndex() == THANKS and not m.Rectification.select().exists()
    window.back_to_welcome.setInterval(10)
    window.back_to_welcome.start()
    qtbot.waitUntil(lambda: window.pages.currentIndex() == IDLE)
    assert "张三" not in window.details.text()


def test_rate_1_with_reasons_by_keys_opens_the_rectification(qtbot, page, resident):
    window = page.resident_screen.window
    pension_intake_typed(qtbot, page)
    save(qtbot, page)
    serial = page.last_intake.serial
    qtbot.keyClick(window, Qt.Key.Key_1)
    assert window.pages.currentIndex() == REASONS_PAGE
    qtbot.keyClick(window, Qt.Key.Key_Return)  # nothing chosen yet: stays
    assert window.pages.currentIndex() == REASONS_PAGE and ratings.rating_of(serial) is None
    qtbot.keyClick(window, Qt.Key.Key_1)
    qtbot.keyClick(window, Qt.Key.Key_4)
    qtbot.keyClick(window, Qt.Key.Key_2)
    qtbot.keyClick(window, Qt.Key.Key_2)  # twice: off again
    assert [b.isChecked() for b in window.reason_buttons] == [True, False, False, True, False]
    shot(window, "resident-reasons-1920x1080.png")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    rating = ratings.rating_of(serial)
    assert rating.level == "非常不满意" and rating.reasons == '["态度", "多次跑"]'
    assert rectification.get_rectification(serial).closed_at is None


def test_touch_works_too(qtbot, page, resident):
    window = page.resident_screen.window
    pension_intake_typed(qtbot, page)
    save(qtbot, page)
    qtbot.mouseClick(window.level_buttons[2], Qt.MouseButton.LeftButton)  # 基本满意
    assert ratings.rating_of(page.last_intake.serial).level == "基本满意"


def test_it_takes_only_its_own_keys_and_cannot_be_closed_or_used_to_reach_the_app(qtbot, page, resident):
    window = page.resident_screen.window
    pension_intake_typed(qtbot, page)
    before = window.details.text()
    typed_before = page.ui.documentsEdit.text()
    activate(qtbot, page)
    window.activateWindow()  # a resident touched it: it refuses to become the active window
    QApplication.processEvents()
    assert not window.isActiveWindow() and QApplication.activeWindow() is page
    QApplication.setActiveWindow(window)  # were a system to make it the active window all the same
    qtbot.waitUntil(window.isActiveWindow)
    assert QApplication.focusWidget() is None or QApplication.focusWidget().window() is window
    for key in (Qt.Key.Key_A, Qt.Key.Key_Tab, Qt.Key.Key_Escape, Qt.Key.Key_F2, Qt.Key.Key_3):
        qtbot.keyClick(window, key)
    qtbot.keyClick(window, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # the counter's save keys
    window.close()
    assert window.isVisible() and window.pages.currentIndex() == CONFIRM and window.details.text() == before
    assert page.ui.documentsEdit.text() == typed_before and page.last_intake is None
    assert not m.Intake.select().exists() and not m.Rating.select().exists()
    assert all(b.focusPolicy() == Qt.FocusPolicy.NoFocus for b in window.level_buttons + window.reason_buttons)
    assert window.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)


def test_a_new_intake_replaces_the_last_residents_data(qtbot, page, resident, admin):
    window = page.resident_screen.window
    pension_intake_typed(qtbot, page)
    page.clear()
    assert window.pages.currentIndex() == IDLE and window.details.text() == ""
    other = residents.save_resident(admin, residents.ResidentInput(name="李四", doc_number=make_id(seq="333")))
    page.choose_resident(other.id)
    assert "李四" in window.details.text() and "张三" not in window.details.text()
    page.hide()  # the counter locks (its page is hidden behind the sign-in dialog)
    assert window.pages.currentIndex() == IDLE and "李四" not in window.details.text()


def test_screenshot_at_1024x768(qtbot, page, resident):
    """The same window on the third (1024×768) screen of this set-up."""
    window = page.resident_screen.window
    window.show_on(QGuiApplication.screens()[2])
    activate(qtbot, page)
    pension_intake_typed(qtbot, page)
    save(qtbot, page)
    assert window.geometry().size().width() == 1024 and window.pages.currentIndex() == RATE
    shot(window, "resident-rate-1024x768.png")
    qtbot.keyClick(window, Qt.Key.Key_2)
    shot(window, "resident-reasons-1024x768.png")
    assert window.pages.currentIndex() == REASONS_PAGE


def test_it_never_takes_the_keyboard_from_the_counter(qtbot, page, resident):
    """It takes no focus (the offscreen platform activates every window it shows, so showing it is
    proven on a real X server: test_x11_second_screen.py)."""
    window = page.resident_screen.window
    assert window.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
    assert window.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    activate(qtbot, page)
    page.picker.edit.setFocus()
    window.activateWindow()  # what showFullScreen() did after showing it, and what a touch asks for
    QApplication.processEvents()
    assert QApplication.activeWindow() is page and not window.isActiveWindow()
    qtbot.keyClicks(QApplication.focusWidget(), "zs")
    assert page.picker.edit.text() == "zs"


def test_it_closes_with_the_counter_and_a_take_over_leaves_one(qtbot, db_path, admin, resident):
    """The counter window closed: its resident window goes too, so a take-over leaves only the new one."""
    def counter() -> QMainWindow:
        window = QMainWindow()
        window.setCentralWidget(IntakePage(AppContext(target=str(db_path), staff=admin), window))
        window.show()
        return window

    def residents_shown() -> list[ResidentScreen]:
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, ResidentScreen) and w.isVisible()]

    first = counter()
    second = counter()  # the staff member who took over at the lock screen
    first.close()
    assert residents_shown() == [second.centralWidget().resident_screen.window]
    second.close()
    qtbot.waitUntil(lambda: not residents_shown())
