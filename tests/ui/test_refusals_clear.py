"""Refusals at the counter that must go once the fault is fixed, and the cursor on what must change
(trial 23: 好差评 and 发现的问题 refusals left red beside a corrected form, a step refusal left after
choosing another step, the 整改 window storing a resident's view nobody chose). Key events only, in
the 1366×768 window of the keyboard workflows."""

from __future__ import annotations

from PySide6.QtCore import Qt

from gridstation.core.evaluation import ratings, rectification
from gridstation.core.events import rules
from gridstation.core.events.register import get_event
from gridstation.core.intake import intakes
from gridstation.core.storage import models as m
from tests.helpers import snapshot
from tests.ui.test_counter_keys import ALT, clerk_opens_a_new_event, focus_is_visible, open_intake, open_register
from tests.ui.test_keyboard_workflows import CTRL, Keys, close_all, sign_in, station  # noqa: F401
from tests.ui.test_lists_and_messages import new_intake

SHIFT = Qt.KeyboardModifier.ShiftModifier


def completed_intake(admin, station) -> m.Intake:
    intake = new_intake(admin, station["zhao"])
    intakes.change_status(admin, intake.serial, intakes.COMPLETED, result="已办结")
    return intake


def test_the_rating_refusals_go_once_the_choice_is_made(qtbot, site_db, admin, station, close_all):
    intake = completed_intake(admin, station)
    keys, window = sign_in(qtbot, site_db, "clerk")
    box = open_intake(keys, window.page("intake"), intake.serial).rating_box
    keys.press(Qt.Key.Key_E, CTRL)
    assert box.message.text() == "请选择居民的评价。" and box.message.isVisible()
    keys.press(Qt.Key.Key_Down)  # a level is chosen: nothing is missing any more
    assert box.level_combo.currentIndex() >= 0 and not box.message.text() and not box.message.isVisible()
    keys.choose("不满意")
    keys.press(Qt.Key.Key_E, CTRL)
    assert box.message.text() == "不满意的评价请至少选择一项原因。"
    assert keys.focused() is box.reason_boxes[0]  # the cursor on the first reason, not 4 Tabs away
    keys.press(Qt.Key.Key_Space)
    assert box.reason_boxes[0].isChecked() and not box.message.text()
    keys.press(Qt.Key.Key_E, CTRL)
    assert ratings.rating_of(intake.serial).level == "不满意"
    keys.press(Qt.Key.Key_E, CTRL)  # a 回访 nobody chose
    assert box.message.text() == "请选择居民的回访评价。" and keys.focused() is box.level_combo
    keys.choose("满意")
    assert not box.message.text()


def test_the_missing_problem_refusal_goes_once_it_is_typed(qtbot, site_db, station, close_all):
    keys, _window = sign_in(qtbot, site_db, "clerk")
    dialog = open_register(keys)
    keys.press(Qt.Key.Key_S, CTRL)
    assert dialog.messageLabel.text() == "请填写发现的问题。"
    keys.type("楼道堆放杂物")
    assert dialog.messageLabel.text() == ""


def test_a_clerk_is_not_offered_a_heads_step_and_a_step_refusal_goes_with_the_step(qtbot, site_db, admin, station,
                                                                                close_all):
    keys, detail, event = clerk_opens_a_new_event(qtbot, site_db, admin)
    offered = [detail.actionCombo.itemText(i) for i in range(detail.actionCombo.count())]
    assert "分派" not in offered and "上报街道" not in offered  # the head's: not offered to be refused
    keys.choose("销号")
    keys.press(Qt.Key.Key_Return, CTRL)  # no 处置结果
    assert "处置结果" in detail.messageLabel.text()
    keys.choose("处置后照片")  # another step: the refusal was about the one left
    assert detail.messageLabel.text() == ""
    keys.choose("销号")
    keys.press(Qt.Key.Key_Return, CTRL)
    keys.press(Qt.Key.Key_T, ALT)
    keys.type("ok")  # the field it named is filled
    assert detail.messageLabel.text() == ""
    assert get_event(event.number).status == rules.REGISTERED
    keys.press(Qt.Key.Key_A, ALT)
    keys.choose("网格内处置")  # as the trial did first: once handling, 分派 is still the head's
    keys.press(Qt.Key.Key_Return, CTRL)
    assert get_event(event.number).status == rules.HANDLING, detail.messageLabel.text()
    assert detail.messageLabel.text() == "已选择网格内处置。"
    offered = [detail.actionCombo.itemText(i) for i in range(detail.actionCombo.count())]
    assert offered and "分派" not in offered and "上报街道" not in offered


def test_each_step_confirms_in_its_own_words(qtbot, site_db, admin, station, close_all, tmp_path):
    picture = tmp_path / "after.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(40)))
    keys, detail, _event = clerk_opens_a_new_event(qtbot, site_db, admin)
    keys.choose("处置后照片")
    keys.press(Qt.Key.Key_F, ALT)
    keys.type(str(picture))
    keys.press(Qt.Key.Key_T, ALT)
    keys.type("ok")
    keys.press(Qt.Key.Key_Return, CTRL)
    assert detail.messageLabel.text() == "已添加处置后照片。"


def open_rectification(qtbot, site_db, admin, station) -> tuple[Keys, object, m.Intake]:
    intake = completed_intake(admin, station)
    ratings.record_rating(admin, intake.serial, "不满意", channel="纸质卡", reasons=[ratings.REASONS[0]])
    keys, _window = sign_in(qtbot, site_db, "head")
    keys.press(Qt.Key.Key_E, CTRL | SHIFT)
    return keys, keys.dialog("差评整改"), intake


def test_a_rectification_is_completed_only_with_the_view_the_resident_gave(qtbot, site_db, admin, station, close_all):
    keys, dialog, intake = open_rectification(qtbot, site_db, admin, station)
    assert dialog.view_combo.currentIndex() == -1 and dialog.view_combo.currentText() == ""
    keys.tab_to("findingEdit")
    keys.type("已电话回访")
    keys.press(Qt.Key.Key_1, CTRL)
    keys.tab_to("actionEdit")
    keys.type("增设导办")
    before = snapshot()
    keys.press(Qt.Key.Key_S, CTRL)  # 居民评价 never touched: nothing nobody chose is stored
    assert dialog.message.text() == "请选择居民对整改的评价。"
    assert focus_is_visible(keys) is dialog.view_combo and snapshot() == before
    keys.choose("基本满意")
    assert dialog.message.text() == ""
    keys.press(Qt.Key.Key_S, CTRL)
    assert rectification.get_rectification(intake.serial).resident_view == "基本满意"


def test_the_rectification_window_has_its_close_button(qtbot, site_db, admin, station, close_all):
    keys, dialog, _intake = open_rectification(qtbot, site_db, admin, station)
    button = keys.tab_to("closeWindowButton")
    assert button.text() == "关闭 (Esc)" and button.isVisible()
    keys.press(Qt.Key.Key_Space)
    keys.closes(dialog)


def test_a_status_refusal_in_the_intake_detail_goes_once_the_field_is_filled(qtbot, site_db, admin, station,
                                                                            close_all):
    intake = new_intake(admin, station["zhao"])
    keys, window = sign_in(qtbot, site_db, "clerk")
    detail = open_intake(keys, window.page("intake"), intake.serial, "全部在办")
    keys.at("statusCombo")
    keys.choose(intakes.COMPLETED)
    keys.press(Qt.Key.Key_S, CTRL)  # no 办理结果
    assert "办理结果" in detail.ui.messageLabel.text() and keys.focused() is detail.ui.resultEdit
    keys.type("已办结")
    assert detail.ui.messageLabel.text() == ""


def test_a_mistyped_event_number_refusal_goes_with_the_next_key(qtbot, site_db, station, close_all):
    keys, window = sign_in(qtbot, site_db, "clerk")
    keys.press(Qt.Key.Key_6, CTRL)
    keys.press(Qt.Key.Key_F2)
    keys.type("SJ12")
    keys.press(Qt.Key.Key_Return)
    page = window.page("events")
    assert "事件编号应为" in page.ui.messageLabel.text()
    keys.press(Qt.Key.Key_Backspace)
    assert page.ui.messageLabel.text() == ""
