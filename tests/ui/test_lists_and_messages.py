"""Lists and messages that fell out of date at the counter (issue: a saved intake missing from
受理列表, red refusals left after the fault was fixed, 办结 falling back to 办理中, dates that read as
a filter where they were none). Key events only, in the 1366×768 window of the keyboard workflows."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from gridstation.core.intake import intakes, material_check
from gridstation.core.intake.material_rules import DEFERRED
from gridstation.core.rules import clock
from gridstation.core.storage import models as m
from tests.helpers import make_id
from tests.ui.test_keyboard_workflows import CTRL, Keys, close_all, sign_in, station  # noqa: F401

SHIFT = Qt.KeyboardModifier.ShiftModifier
UNEMPLOYMENT = {"cert_no": "5301110099", "docs_checked": True}


def new_intake(admin, resident, **kwargs) -> m.Intake:
    return intakes.create_intake(admin, intakes.IntakeInput(resident.id, "失业证", "年检", UNEMPLOYMENT, **kwargs))


def to_list(keys: Keys, page, view: str) -> None:
    """Ctrl+Tab to 受理列表 and choose ``view`` in its drop-down; wait for the rows."""
    keys.press(Qt.Key.Key_Tab, CTRL)
    keys.tab_to("viewCombo")
    keys.choose(view)
    keys.qtbot.waitUntil(lambda: not page.list_model.loading)


def save_intake_for_zhao(keys: Keys, page) -> str:
    """F1, find 赵大山, tick 材料已核验 and save with Ctrl+Enter; the receipt preview is closed."""
    keys.press(Qt.Key.Key_F1)
    keys.at("residentSearchEdit")
    keys.enter("zds")
    keys.at("serviceCombo")
    keys.tab_to("field_docs_checked")
    keys.press(Qt.Key.Key_Space)
    keys.press(Qt.Key.Key_Return, CTRL)
    assert "已保存" in page.ui.messageLabel.text(), page.ui.messageLabel.text()
    keys.dismiss_preview()
    return page.last_intake.serial


def test_a_just_saved_intake_is_at_the_top_of_the_list_in_view(qtbot, site_db, admin, station, close_all):
    for _ in range(40):  # more than the list shows at once
        new_intake(admin, station["qian"])
    keys, window = sign_in(qtbot, site_db, "clerk")
    page = window.page("intake")
    to_list(keys, page, "全部在办")
    table = page.ui.intakeTable
    assert table.rowAt(0) == 0 and page.list_model.rowCount() == 40
    serial = save_intake_for_zhao(keys, page)
    keys.press(Qt.Key.Key_Tab, CTRL)  # back to 受理列表
    qtbot.waitUntil(lambda: page.list_model.rowCount() == 41)
    top = table.rowAt(0)
    assert page.list_model.row_at(top).serial == serial, "the new intake is above the rows in view"


def test_a_window_left_open_overnight_lists_the_next_days_intakes(qtbot, site_db, station, close_all, monkeypatch):
    keys, window = sign_in(qtbot, site_db, "clerk")
    page = window.page("intake")
    to_list(keys, page, "全部")
    tomorrow = clock.today() + dt.timedelta(days=1)
    monkeypatch.setattr(clock, "today", lambda: tomorrow)
    monkeypatch.setattr(clock, "now", lambda: dt.datetime.combine(tomorrow, dt.time(9, 30)))
    serial = save_intake_for_zhao(keys, page)
    keys.press(Qt.Key.Key_Tab, CTRL)
    qtbot.waitUntil(lambda: not page.list_model.loading)
    assert page.ui.toDate.date().toPython() == tomorrow
    assert [i.serial for i in page.list_model.rows] == [serial]


def test_the_open_views_say_the_dates_do_not_narrow_them(qtbot, site_db, admin, station, close_all):
    """在办 is the work still to do: an intake received two years ago and still open is listed, and the
    greyed dates say 不限 rather than reading as a range that would exclude it."""
    old = new_intake(admin, station["qian"], received_at=clock.now() - dt.timedelta(days=730))
    keys, window = sign_in(qtbot, site_db, "clerk")
    page = window.page("intake")
    to_list(keys, page, "全部在办")
    assert [i.serial for i in page.list_model.rows] == [old.serial]
    assert not page.ui.fromDate.isEnabled() and not page.ui.toDate.isEnabled()
    assert "不限" in page.ui.fromCaption.text() and page.ui.fromCaption.isVisible()
    keys.at("viewCombo")
    keys.choose("全部")
    qtbot.waitUntil(lambda: not page.list_model.loading and page.list_model.rowCount() == 0)
    assert page.ui.fromDate.isEnabled() and page.ui.fromCaption.text() == "受理日期"


def test_the_check_digit_refusal_goes_once_the_number_is_put_right(qtbot, site_db, station, close_all):
    keys, window = sign_in(qtbot, site_db, "clerk")
    keys.press(Qt.Key.Key_F4)
    dialog = keys.dialog("新增居民")
    right = make_id("530111", "19880202", "031")
    keys.at("docEdit")
    keys.type(right[:-1] + ("0" if right[-1] != "0" else "1"))
    keys.press(Qt.Key.Key_Tab)
    keys.type("周明")
    keys.press(Qt.Key.Key_S, CTRL)
    assert "校验" in dialog.ui.messageLabel.text()
    keys.at("docEdit")  # the whole number is selected for a card read; End keeps it and corrects the digit
    keys.press(Qt.Key.Key_End)
    keys.press(Qt.Key.Key_Backspace)
    assert dialog.ui.messageLabel.text() == ""  # the refusal went with the digit it was about
    keys.type(right[-1])
    keys.press(Qt.Key.Key_S, CTRL)
    assert dialog.ui.messageLabel.text() == "" and not dialog.isVisible(), dialog.ui.messageLabel.text()


def test_the_deferral_refusal_goes_once_the_checklist_changes(qtbot, site_db, station, close_all):
    keys, window = sign_in(qtbot, site_db, "clerk")
    page = window.page("intake")
    keys.enter("zds")
    keys.at("serviceCombo")
    keys.tab_to("field_docs_checked")
    keys.press(Qt.Key.Key_Space)
    keys.press(Qt.Key.Key_Tab)
    first = page.materials.boxes[0][0]  # 居民身份证: never 可容缺
    assert keys.focused() is first
    keys.press(Qt.Key.Key_Space)
    while keys.focused() is not page.materials.mode_combo:
        keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Down)  # 容缺受理
    keys.press(Qt.Key.Key_Return, CTRL)
    assert "不能容缺受理" in page.ui.messageLabel.text()
    assert keys.focused() is first
    keys.press(Qt.Key.Key_Space)  # the card is there after all
    assert page.ui.messageLabel.text() == ""


def test_supplying_the_documents_clears_the_refusal_and_keeps_completion_chosen(qtbot, site_db, admin, station,
                                                                                close_all):
    data = intakes.IntakeInput(station["zhao"].id, "失业证", "年检", UNEMPLOYMENT)
    intake = material_check.create_checked_intake(admin, data, ["居民身份证", "户口簿", "近期一寸免冠照片"],
                                                  mode=DEFERRED, deadline=clock.today() + dt.timedelta(days=3))
    keys, window = sign_in(qtbot, site_db, "clerk")
    page = window.page("intake")
    to_list(keys, page, "全部在办")
    keys.tab_to("serialFilterEdit")
    keys.type(intake.serial)
    keys.press(Qt.Key.Key_Return)
    detail = keys.dialog(intake.serial)
    keys.at("statusCombo")
    keys.choose(intakes.COMPLETED)
    keys.tab_to("resultEdit")
    keys.type("ok")
    keys.press(Qt.Key.Key_S, CTRL)
    assert "材料已补齐" in detail.ui.messageLabel.text()
    keys.press(Qt.Key.Key_B, CTRL)
    assert detail.ui.messageLabel.text() == ""
    assert detail.ui.statusCombo.currentText() == intakes.COMPLETED  # not back to 办理中
    keys.press(Qt.Key.Key_S, CTRL)
    assert intakes.get_intake(intake.serial).status == intakes.COMPLETED, detail.ui.messageLabel.text()
