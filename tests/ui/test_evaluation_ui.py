"""好差评 on the counter, by keyboard: a paper-card rating in the intake detail (good, and bad with
reasons), the head's 差评整改 from the main window to its end, 申诉, and the refusals for a clerk."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gridstation.core.evaluation import ratings, rectification
from gridstation.core.evaluation.rules import CARD, SCREEN
from gridstation.core.intake import intakes, residents
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import catalog, station
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.ui.common.context import AppContext
from gridstation.ui.intake.intake_detail import IntakeDetailDialog
from gridstation.ui.station.settings_page import SettingsPage
from gridstation.ui.window.main_window import MainWindow
from tests.helpers import activate, make_id, type_text


@pytest.fixture
def completed(clerk, admin):
    person = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id(),
                                                                    phone="13812345678"))
    intake = intakes.create_intake(clerk, intakes.IntakeInput(person.id, catalog.PENSION, "生存认证",
                                                              {"cert_year": "2026", "way": "窗口"}))
    return intakes.change_status(clerk, intake.serial, intakes.COMPLETED, result="认证通过")


def detail(qtbot, db_path, staff, serial) -> IntakeDetailDialog:
    dialog = IntakeDetailDialog(AppContext(target=str(db_path), staff=staff), serial)
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    return dialog


def choose(qtbot, combo, text: str) -> None:
    combo.setFocus()
    target = combo.findText(text)
    assert target >= 0
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up)


def test_a_paper_card_rating_by_keyboard_and_a_later_call_back(qtbot, db_path, clerk, completed):
    dialog = detail(qtbot, db_path, clerk, completed.serial)
    box = dialog.rating_box
    assert box.isVisible() and "尚未评价" in box.summary.text()
    choose(qtbot, box.level_combo, "满意")
    assert not box.reason_boxes[0].isVisible()
    type_text(qtbot, box.text_edit, "办得快")
    qtbot.keyClick(box.text_edit, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    rating = ratings.rating_of(completed.serial)
    assert (rating.level, rating.channel, rating.text, rating.recorded_by_id) == ("满意", CARD, "办得快", clerk.id)
    assert "评价：满意（纸质卡" in box.summary.text() and box.save_button.text().startswith("登记回访")
    assert not box.appeal_button.isVisible()  # a clerk does not 申诉
    choose(qtbot, box.level_combo, "非常满意")
    qtbot.keyClick(box.level_combo, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert [v.level for v in ratings.rating_of(completed.serial).visits] == ["非常满意"]
    assert ratings.rating_of(completed.serial).level == "满意"


def test_a_bad_rating_needs_a_reason_then_goes_to_the_head(qtbot, db_path, clerk, completed):
    dialog = detail(qtbot, db_path, clerk, completed.serial)
    box = dialog.rating_box
    choose(qtbot, box.level_combo, "不满意")
    qtbot.keyClick(box.level_combo, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert "至少选择一项原因" in box.message.text() and ratings.rating_of(completed.serial) is None
    box.reason_boxes[1].setFocus()  # 效率
    qtbot.keyClick(box.reason_boxes[1], Qt.Key.Key_Space)
    qtbot.keyClick(box.reason_boxes[1], Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert "已转站长整改" in box.message.text()
    assert rectification.get_rectification(completed.serial).closed_at is None


def test_the_head_rectifies_from_the_main_window_by_keyboard(qtbot, db_path, clerk, head, completed):
    ratings.record_rating(clerk, completed.serial, "非常不满意", channel=SCREEN, reasons=["态度"])
    m.Rectification.update(due_date=clock.today() - dt.timedelta(days=1)).execute()  # past its deadline
    window = MainWindow(AppContext(target=str(db_path), staff=head))
    qtbot.addWidget(window)
    window.show()
    activate(qtbot, window)
    window.refresh_counts()
    assert "逾期整改 1 件" in window.overdue_label.text()
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = next(w for w in QApplication.topLevelWidgets() if w.windowTitle() == "差评整改" and w.isVisible())
    activate(qtbot, dialog)
    assert dialog.list.count() == 1 and "已逾期" in dialog.list.item(0).text()
    assert "电话：13812345678" in dialog.detail.text() and "态度" in dialog.detail.text()  # to call back
    qtbot.keyClick(dialog.list, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # not before the 回访
    assert "请先回访居民" in dialog.message.text()
    type_text(qtbot, dialog.finding_edit, "居民反映态度生硬")
    qtbot.keyClick(dialog.finding_edit, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert "已回访" in dialog.list.item(0).text()
    type_text(qtbot, dialog.action_edit, "谈话提醒，规范用语")
    choose(qtbot, dialog.view_combo, "基本满意")
    qtbot.keyClick(dialog.view_combo, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "整改已完成" in dialog.message.text() and dialog.list.count() == 0
    done = rectification.get_rectification(completed.serial)
    assert (done.finding, done.action_taken, done.resident_view) == ("居民反映态度生硬", "谈话提醒，规范用语", "基本满意")
    window.refresh_counts()
    assert "逾期整改" not in window.overdue_label.text()
    dialog.close()


def test_the_head_marks_an_appeal_in_the_intake_detail(qtbot, db_path, clerk, head, completed):
    ratings.record_rating(clerk, completed.serial, "不满意", channel=CARD, reasons=["其他"])
    dialog = detail(qtbot, db_path, head, completed.serial)
    box = dialog.rating_box
    assert box.appeal_button.isVisible()
    type_text(qtbot, box.appeal_edit, "与本业务无关")
    box.appeal_button.setFocus()
    qtbot.keyClick(box.appeal_button, Qt.Key.Key_Space)
    assert "已申诉：与本业务无关" in box.summary.text() and not box.appeal_button.isVisible()


def test_a_clerk_cannot_reach_the_rectifications(qtbot, db_path, clerk, completed):
    ratings.record_rating(clerk, completed.serial, "非常不满意", channel=SCREEN, reasons=["态度"])
    window = MainWindow(AppContext(target=str(db_path), staff=clerk))
    qtbot.addWidget(window)
    window.show()
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert "只有站长" in window.statusBar().currentMessage()
    assert not any(w.windowTitle() == "差评整改" and w.isVisible() for w in QApplication.topLevelWidgets())


def test_the_admin_sets_the_rating_and_rectification_days_by_keyboard(qtbot, db_path, admin):
    page = SettingsPage(AppContext(target=str(db_path), staff=admin))
    qtbot.addWidget(page)
    page.show()
    activate(qtbot, page)
    page.refresh()
    window_spin, rectify_spin = page.rating_spins["rating_window_days"], page.rating_spins["rectify_days"]
    assert (window_spin.value(), rectify_spin.value()) == (5, 5)
    window_spin.setFocus()
    qtbot.keyClick(window_spin, Qt.Key.Key_Up)
    qtbot.keyClick(window_spin, Qt.Key.Key_Up)
    qtbot.keyClick(window_spin, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is rectify_spin
    qtbot.keyClick(rectify_spin, Qt.Key.Key_Down)
    page.ui.saveStationButton.setFocus()
    qtbot.keyClick(page.ui.saveStationButton, Qt.Key.Key_Space)
    assert (settings.get("rating_window_days"), settings.get("rectify_days")) == (7, 4)
    with pytest.raises(DomainError, match="差评整改期限（工作日）应在1至30之间"):
        station.update_settings(admin, {"rectify_days": 0})
