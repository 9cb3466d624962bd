"""The screens ask core which steps to offer and dispatch on the step's code; a window that shows an
older version of the record than the database holds is refused, with nothing written."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gridstation.core.evaluation import ratings
from gridstation.core.evaluation.rules import CARD
from gridstation.core.events import event_steps, handling, rules
from gridstation.core.events.register import EventInput, get_event, register_event
from gridstation.core.intake import intakes, residents
from gridstation.core.station import catalog
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.evaluation.evaluation_widgets import RatingBox
from gridstation.ui.events.event_dialogs import EventDetailDialog
from gridstation.ui.intake.intake_detail import IntakeDetailDialog
from tests import helpers
from tests.helpers import activate, make_id, type_text


@pytest.fixture
def close_all():
    yield
    for top in QApplication.topLevelWidgets():
        top.close()


def detail_for(qtbot, db_path, staff, number: str) -> EventDetailDialog:
    dialog = EventDetailDialog(AppContext(target=str(db_path), staff=staff), number)
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    return dialog


def new_event(clerk) -> m.GridEvent:
    return register_event(clerk, EventInput(category="民生诉求", level=rules.NORMAL, description="楼道灯不亮",
                                            source=rules.PATROL))


def test_the_event_detail_offers_cores_steps_by_code(qtbot, db_path, clerk, head, close_all):
    event = new_event(clerk)
    for staff in (clerk, head):
        dialog = detail_for(qtbot, db_path, staff, event.number)
        offered = [(dialog.actionCombo.itemData(i), dialog.actionCombo.itemText(i))
                   for i in range(dialog.actionCombo.count())]
        assert offered == [(s.code, s.shown) for s in event_steps.available(event, staff)]
        dialog.close()
    closed = handling.close(clerk, event.number, "已修好")
    dialog = detail_for(qtbot, db_path, head, closed.number)
    dialog.actionCombo.setCurrentIndex(dialog.actionCombo.findData("reopen"))
    assert dialog.textLabel.text() == "返工原因(&T)"  # the text box says what core's step reads


def test_a_window_showing_an_older_event_is_refused_and_nothing_is_written(qtbot, db_path, clerk, close_all):
    event = new_event(clerk)
    dialog = detail_for(qtbot, db_path, clerk, event.number)
    dialog.actionCombo.setCurrentIndex(dialog.actionCombo.findData("note"))
    handling.add_note(clerk, event.number, "另一窗口：已到现场")  # this window still shows 登记
    before = helpers.snapshot()
    type_text(qtbot, dialog.textEdit, "旧窗口的进展")
    qtbot.keyClick(dialog.textEdit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "刚被其他窗口修改" in dialog.messageLabel.text()
    assert helpers.snapshot() == before
    assert [s.note for s in m.EventStep.select().where(m.EventStep.event == get_event(event.number))][-1] == (
        "另一窗口：已到现场")


def test_the_rating_box_offers_appeal_as_core_does(qtbot, db_path, clerk, head, admin, close_all):
    person = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))
    intake = intakes.create_intake(clerk, intakes.IntakeInput(person.id, catalog.PENSION, "生存认证",
                                                              {"cert_year": "2026", "way": "窗口"}))
    intake = intakes.change_status(clerk, intake.serial, intakes.COMPLETED, result="认证通过")
    ratings.record_rating(clerk, intake.serial, "不满意", channel=CARD, reasons=["效率"])
    for staff, offered in ((clerk, False), (head, True)):
        box = RatingBox(AppContext(target=str(db_path), staff=staff))
        qtbot.addWidget(box)
        box.show()
        box.show_intake(intake)
        assert box.appeal_button.isVisible() is offered
    unrated = intakes.change_status(clerk, intakes.create_intake(clerk, intakes.IntakeInput(
        person.id, catalog.PENSION, "生存认证", {"cert_year": "2025", "way": "窗口"})).serial, intakes.COMPLETED,
        result="认证通过")
    box.show_intake(unrated)
    box.save_button.setText("Record (Ctrl+E)")  # a relabelled button (a form, a translation) changes nothing
    box.level_combo.setCurrentText("不满意")
    assert box.reason_boxes[0].isVisible()  # not rated yet: Ctrl+E records the rating, with its reasons
    box.show_intake(intake)
    stale = ratings.rating_of(intake.serial)
    ratings.appeal(head, intake.serial, "另一窗口已申诉")
    box.rating = stale
    box.appeal_edit.setText("误评")
    before = helpers.snapshot()
    box.appeal()
    assert helpers.snapshot() == before
    assert ratings.rating_of(intake.serial).appeal_reason == "另一窗口已申诉"


def test_an_intake_window_showing_an_older_status_is_refused(qtbot, db_path, clerk, admin, close_all):
    person = residents.save_resident(admin, residents.ResidentInput(name="李四", doc_number=make_id(seq="333")))
    intake = intakes.create_intake(clerk, intakes.IntakeInput(person.id, catalog.PENSION, "生存认证",
                                                              {"cert_year": "2026", "way": "窗口"}))
    dialog = IntakeDetailDialog(AppContext(target=str(db_path), staff=clerk), intake.serial)
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    dialog.ui.statusCombo.setCurrentText(intakes.RETURNED)
    intakes.change_status(clerk, intake.serial, intakes.IN_PROGRESS, note="另一窗口")  # this one still shows 受理
    before = helpers.snapshot()
    type_text(qtbot, dialog.ui.noteEdit, "材料不符")
    dialog.apply()
    assert "刚被其他窗口修改" in dialog.ui.messageLabel.text()
    assert helpers.snapshot() == before
