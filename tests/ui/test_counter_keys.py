"""Keys at the counter (issue: Alt keys that did nothing, Esc that threw typing away, focus left in the
wrong field or nowhere, a 回访 stored by an untouched Ctrl+E, a step offered only to be refused).
Key events only, in the 1366×768 window of the keyboard workflows; "visible focus" means the focused
widget is shown, enabled and a Tab stop, and not a bare frame that draws no focus."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QScrollArea, QWidget

from gridstation.core.evaluation import ratings
from gridstation.core.events import rules
from gridstation.core.events.register import EventInput, get_event, register_event
from gridstation.core.intake import intakes
from gridstation.core.storage import models as m
from gridstation.ui.events.event_dialogs import next_steps
from tests.ui.test_keyboard_workflows import CTRL, Keys, close_all, sign_in, station  # noqa: F401
from tests.ui.test_lists_and_messages import new_intake, to_list

ALT = Qt.KeyboardModifier.AltModifier


def focus_is_visible(keys: Keys) -> QWidget:
    widget = keys.focused()
    assert widget.isVisible() and widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus, widget
    assert not isinstance(widget, QScrollArea), "the focus is on a frame that shows none"
    return widget


def question(keys: Keys) -> QMessageBox:
    """The window-modal question an Esc on typed work opens."""
    keys.qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    box.activateWindow()
    keys.qtbot.waitUntil(lambda: box.isActiveWindow() and box.isAncestorOf(QApplication.focusWidget()))
    return box


def open_intake(keys: Keys, page, serial: str, view: str = "全部"):
    to_list(keys, page, view)
    keys.tab_to("serialFilterEdit")
    keys.type(serial)
    keys.press(Qt.Key.Key_Return)
    return keys.dialog(serial)


def test_after_completion_every_tab_stop_shows_the_focus(qtbot, site_db, admin, station, close_all):
    intake = new_intake(admin, station["zhao"])
    keys, window = sign_in(qtbot, site_db, "clerk")
    detail = open_intake(keys, window.page("intake"), intake.serial, "全部在办")
    keys.at("statusCombo")
    keys.choose(intakes.COMPLETED)
    keys.tab_to("resultEdit")
    keys.type("已办结")
    keys.press(Qt.Key.Key_S, CTRL)
    assert intakes.get_intake(intake.serial).status == intakes.COMPLETED, detail.ui.messageLabel.text()
    assert keys.focused() is detail.rating_box.level_combo  # the rating comes next
    for _ in range(12):  # round the whole dialog
        focus_is_visible(keys)
        keys.press(Qt.Key.Key_Tab)


def test_a_rating_and_a_visit_need_a_choice_and_a_repeated_key_adds_nothing(qtbot, site_db, admin, station, close_all):
    intake = new_intake(admin, station["zhao"])
    intakes.change_status(admin, intake.serial, intakes.COMPLETED, result="已办结")
    keys, window = sign_in(qtbot, site_db, "clerk")
    detail = open_intake(keys, window.page("intake"), intake.serial)
    box = detail.rating_box
    keys.press(Qt.Key.Key_E, CTRL)  # untouched: nothing chosen, nothing stored
    assert "请选择" in box.message.text() and ratings.rating_of(intake.serial) is None
    assert keys.focused() is box.level_combo  # the cursor on the missing choice
    keys.choose("满意")
    keys.press(Qt.Key.Key_E, CTRL)
    assert ratings.rating_of(intake.serial).level == "满意"
    keys.press(Qt.Key.Key_E, CTRL)  # the same key again: no 回访 nobody chose
    assert "请选择" in box.message.text() and m.RatingVisit.select().count() == 0
    keys.choose("基本满意")
    keys.press(Qt.Key.Key_E, CTRL)
    keys.press(Qt.Key.Key_E, CTRL)
    assert [v.level for v in m.RatingVisit.select()] == ["基本满意"]


def test_esc_asks_before_a_half_typed_new_resident_is_lost(qtbot, site_db, station, close_all):
    keys, window = sign_in(qtbot, site_db, "clerk")
    keys.press(Qt.Key.Key_F4)
    dialog = keys.dialog("新增居民")
    keys.press(Qt.Key.Key_Escape)  # nothing typed: closes at once
    keys.closes(dialog)
    keys.press(Qt.Key.Key_F4)
    dialog = keys.dialog("新增居民")
    keys.press(Qt.Key.Key_Tab)
    keys.at("nameEdit")
    keys.type("周明")
    keys.press(Qt.Key.Key_Escape)
    question(keys)
    keys.press(Qt.Key.Key_Escape)  # 继续填写
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog)
    assert dialog.isVisible() and dialog.ui.nameEdit.text() == "周明"
    keys.press(Qt.Key.Key_Escape)
    question(keys)
    keys.press(Qt.Key.Key_Y, ALT)  # 放弃
    keys.closes(dialog)
    assert m.Resident.select().count() == 2


def test_residents_page_new_button_opens_an_empty_form(qtbot, site_db, station, close_all):
    """clicked(bool) went into doc_number."""
    keys, window = sign_in(qtbot, site_db, "clerk")
    keys.page(2, "searchEdit")
    keys.tab_to("newButton")
    keys.press(Qt.Key.Key_Space)
    dialog = keys.dialog("新增居民")
    assert keys.at("docEdit").text() == ""
    keys.press(Qt.Key.Key_Escape)
    keys.closes(dialog)


def open_register(keys: Keys):
    keys.press(Qt.Key.Key_6, CTRL)
    keys.press(Qt.Key.Key_F4)
    return keys.dialog("登记网格事件")


def test_registering_an_event_by_keys(qtbot, site_db, station, close_all):
    keys, window = sign_in(qtbot, site_db, "clerk")
    dialog = open_register(keys)
    keys.press(Qt.Key.Key_S, CTRL)  # nothing typed: the cursor goes to the empty problem box
    assert dialog.messageLabel.text() == "请填写发现的问题。"
    assert keys.focused() is dialog.descriptionEdit
    keys.type("路灯不亮")
    keys.press(Qt.Key.Key_R, ALT)  # 查找居民: a scanned ID lands in the search box, not in the problem
    assert keys.focused() is dialog.picker.edit
    assert dialog.descriptionEdit.toPlainText() == "路灯不亮"
    keys.press(Qt.Key.Key_Escape)  # typed: asked first, and Esc keeps the typing
    question(keys)
    keys.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog)
    keys.press(Qt.Key.Key_Escape)
    question(keys)
    keys.press(Qt.Key.Key_Y, ALT)
    keys.closes(dialog)
    assert m.GridEvent.select().count() == 0


def clerk_opens_a_new_event(qtbot, site_db, admin):
    """An event found on patrol, opened by the clerk from the 网格事件 page (F2, its number, Enter)."""
    event = register_event(admin, EventInput("其他", rules.NORMAL, "路灯不亮", rules.PATROL))
    keys, _window = sign_in(qtbot, site_db, "clerk")
    keys.press(Qt.Key.Key_6, CTRL)
    keys.press(Qt.Key.Key_F2)
    keys.type(event.number)
    keys.press(Qt.Key.Key_Return)
    return keys, keys.dialog(event.number), event


def test_the_photo_field_has_its_alt_key(qtbot, site_db, admin, station, close_all):
    keys, detail, event = clerk_opens_a_new_event(qtbot, site_db, admin)
    keys.choose("处置后照片")
    keys.press(Qt.Key.Key_F, ALT)
    assert keys.focused() is detail.photoEdit
    assert all("&" not in label.text().replace("&&", "") or label.buddy() is not None
               for label in detail.findChildren(type(detail.textLabel)))  # no label shows an ampersand


def test_after_closing_an_event_a_clerk_is_offered_no_step_the_head_keeps(qtbot, site_db, admin, station, close_all):
    keys, detail, event = clerk_opens_a_new_event(qtbot, site_db, admin)
    keys.choose("销号")
    keys.press(Qt.Key.Key_T, ALT)
    keys.type("ok")
    keys.press(Qt.Key.Key_Return, CTRL)
    assert get_event(event.number).status == rules.CLOSED, detail.messageLabel.text()
    steps = [detail.actionCombo.itemText(i) for i in range(detail.actionCombo.count())]
    assert "返工" not in steps
    assert focus_is_visible(keys) is detail.closeButton
    assert "站长" in detail.summaryLabel.text()
    keys.press(Qt.Key.Key_Return, CTRL)  # nothing to do: nothing said to be done
    assert detail.messageLabel.text() == "已销号。"
    assert "返工" in next_steps(get_event(event.number), admin)  # the head's, and offered to the head
    keys.press(Qt.Key.Key_Escape)
    keys.closes(detail)


def test_the_daily_log_date_is_one_tab_stop(qtbot, site_db, station, close_all):
    keys, window = sign_in(qtbot, site_db, "clerk")
    keys.press(Qt.Key.Key_6, CTRL)
    keys.press(Qt.Key.Key_J, CTRL)
    dialog = keys.dialog("民情日志")
    keys.press(Qt.Key.Key_D, ALT)
    assert keys.focused() is dialog.dayEdit
    keys.press(Qt.Key.Key_Tab)
    assert keys.focused() is not dialog.dayEdit
    keys.press(Qt.Key.Key_Escape)
    keys.closes(dialog)


def test_a_rectification_refusal_puts_the_cursor_in_the_measures(qtbot, site_db, admin, station, close_all):
    intake = new_intake(admin, station["zhao"])
    intakes.change_status(admin, intake.serial, intakes.COMPLETED, result="已办结")
    ratings.record_rating(admin, intake.serial, "不满意", channel="纸质卡", reasons=[ratings.REASONS[0]])
    keys, window = sign_in(qtbot, site_db, "head")
    keys.press(Qt.Key.Key_E, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dialog = keys.dialog("差评整改")
    keys.press(Qt.Key.Key_S, CTRL)  # no 回访 yet: the cursor goes to 回访情况
    assert keys.focused() is dialog.finding_edit
    keys.type("已电话回访")
    keys.press(Qt.Key.Key_1, CTRL)
    keys.press(Qt.Key.Key_S, CTRL)
    assert "请填写整改措施" in dialog.message.text()
    assert focus_is_visible(keys) is dialog.action_edit
