"""The 材料清单 at the counter, by keyboard: a missing document gives a 一次性告知单 (待补正), a missing
"may be supplied later" one a 容缺 intake with its 承诺书; and the head edits a service's list."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gridstation.core.intake import intakes, material_check, residents
from gridstation.core.intake.material_rules import DEFERRED, NOTICE
from gridstation.core.rules import clock
from gridstation.core.station import catalog
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.intake.intake_detail import IntakeDetailDialog
from gridstation.ui.station.service_dialog import ServiceDialog
from tests.conftest import pdf_text
from tests.helpers import activate, make_id, snapshot, type_text
from tests.ui.pages.test_intake_page import page  # noqa: F401 - the counter's page, as its own tests drive it

ID = make_id("530111", "19700101", "021")


@pytest.fixture
def resident(admin):
    return residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=ID))


def wage_claim_typed(qtbot, page, resident) -> None:
    """Find the resident, choose 讨薪 with the keyboard, type its fields, then Tab into the checklist."""
    type_text(qtbot, page.picker.edit, ID)
    qtbot.keyClick(page.picker.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.resident is not None)
    combo = page.ui.serviceCombo
    while combo.currentText() != "讨薪":
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: page.fields.widgets["period_owed"].isVisible())  # new rows show from the event loop
    type_text(qtbot, page.fields.widgets["employer"], "某公司")
    type_text(qtbot, page.fields.widgets["workers"], "3")
    type_text(qtbot, page.fields.widgets["amount_owed"], "9000")
    type_text(qtbot, page.fields.widgets["period_owed"], "2026")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)


def tab_to(qtbot, widget) -> None:
    for _ in range(12):
        if QApplication.focusWidget() is widget:
            return
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is widget


def untick(qtbot, page, name: str) -> None:
    box = next(box for box, mdef in page.materials.boxes if mdef.name == name)
    tab_to(qtbot, box)
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert not box.isChecked()


def save(qtbot, page, resident) -> None:
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_all_ticked_saves_a_normal_intake_whose_receipt_lists_the_documents(qtbot, page, resident):
    wage_claim_typed(qtbot, page, resident)
    assert [box.isChecked() for box, _ in page.materials.boxes] == [True, True, True]
    assert not page.materials.mode_combo.isVisible()
    save(qtbot, page, resident)
    intake = page.last_intake
    assert intake.status == intakes.RECEIVED
    assert "居民身份证（原件1份）" in re.sub(r"\s+", "", pdf_text(page.last_receipt))


def test_a_missing_document_by_keyboard_gives_the_one_time_notice(qtbot, page, resident):
    wage_claim_typed(qtbot, page, resident)
    untick(qtbot, page, "劳动合同或用工证明")
    assert page.materials.mode_combo.isVisible() and page.materials.mode() == NOTICE
    tab_to(qtbot, page.materials.date_edit)
    assert page.materials.deadline() == clock.today() + dt.timedelta(days=7)
    qtbot.keyClick(page.materials.date_edit, Qt.Key.Key_Up)  # one more day (the day section is chosen)
    bring_by = page.materials.deadline()
    save(qtbot, page, resident)
    intake = page.last_intake
    assert intake.status == intakes.PENDING_DOCS
    assert "待补正" in page.ui.messageLabel.text()
    check = material_check.check_of(intake)
    assert [d.name for d in check.missing] == ["劳动合同或用工证明"] and check.deadline == bring_by
    text = re.sub(r"\s+", "", pdf_text(page.last_material_document))
    assert "一次性告知单" in text and "劳动合同或用工证明" in text and "用人单位，或工友证言" in text
    assert f"请于{bring_by.year}年{bring_by.month}月{bring_by.day}日前" in text
    shown = m.AuditLog.select().where(m.AuditLog.entity_id == intake.serial)
    assert shown.where(m.AuditLog.action == "预览一次性告知单").exists()
    assert not shown.where(m.AuditLog.action == "打印一次性告知单").exists()  # shown, not printed (issue 23.3)


def test_deferred_intake_by_keyboard_prints_receipt_and_pledge(qtbot, page, resident):
    wage_claim_typed(qtbot, page, resident)
    untick(qtbot, page, "工资欠条或工资条")
    tab_to(qtbot, page.materials.mode_combo)
    qtbot.keyClick(page.materials.mode_combo, Qt.Key.Key_Down)
    assert page.materials.mode() == DEFERRED
    due = intakes.due_date_for(clock.today(), 15)
    assert page.materials.deadline() == due  # suggested: the promised date, the latest allowed
    save(qtbot, page, resident)
    intake = page.last_intake
    assert intake.status == intakes.RECEIVED and material_check.check_of(intake).mode == DEFERRED
    assert "容缺受理承诺书" in pdf_text(page.last_material_document)
    receipt = re.sub(r"\s+", "", pdf_text(page.last_receipt))
    assert "劳动合同或用工证明（复印件1份）" in receipt and "工资欠条" not in receipt


def test_deferring_a_required_document_is_refused_on_screen_and_stores_nothing(qtbot, page, resident):
    wage_claim_typed(qtbot, page, resident)
    untick(qtbot, page, "劳动合同或用工证明")
    tab_to(qtbot, page.materials.mode_combo)
    qtbot.keyClick(page.materials.mode_combo, Qt.Key.Key_Down)
    before = snapshot()
    save(qtbot, page, resident)
    assert "是必须材料，不能容缺受理" in page.ui.messageLabel.text()
    named = next(box for box, mdef in page.materials.boxes if mdef.name == "劳动合同或用工证明")
    assert named is not page.materials.boxes[0][0] and QApplication.focusWidget() is named  # what must change
    assert snapshot() == before


def test_the_head_edits_a_services_list_in_the_service_dialog(qtbot, db_path, head):
    dialog = ServiceDialog(AppContext(target=str(db_path), staff=head), None, catalog.get_service(catalog.PENSION))
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    editor = dialog.materials_editor
    assert editor.table.rowCount() == 2
    editor.add_button.setFocus()
    qtbot.keyClick(editor.add_button, Qt.Key.Key_Space)
    assert editor.table.rowCount() == 3
    editor.table.setFocus()
    qtbot.keyClick(editor.table, Qt.Key.Key_F2)
    type_text(qtbot, QApplication.focusWidget(), "户口簿")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    editor.table.cellWidget(2, 3).setFocus()
    qtbot.keyClick(editor.table.cellWidget(2, 3), Qt.Key.Key_Space)
    dialog.ui.saveButton.setFocus()
    qtbot.keyClick(dialog.ui.saveButton, Qt.Key.Key_Space)
    names = [(d.name, d.later) for d in material_check.materials_of(catalog.get_service(catalog.PENSION))]
    assert names == [("居民身份证", False), ("社会保障卡", True), ("户口簿", True)]


def test_documents_brought_later_are_registered_from_the_intake_detail_by_keyboard(qtbot, db_path, clerk, resident):
    data = intakes.IntakeInput(resident.id, catalog.WAGE, "欠薪投诉",
                               {"employer": "某公司", "workers": "3", "amount_owed": "9000"})
    pending = material_check.create_checked_intake(clerk, data, ["居民身份证"], mode=NOTICE, deadline=clock.today())
    dialog = IntakeDetailDialog(AppContext(target=str(db_path), staff=clerk), pending.serial)
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    box = dialog.materials_box
    assert "尚缺：劳动合同或用工证明（复印件1份）、工资欠条或工资条（复印件1份）" in box.label.text()
    assert dialog.ui.statusCombo.findText(intakes.RECEIVED) >= 0
    qtbot.keyClick(dialog, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    intake = intakes.get_intake(pending.serial)
    assert intake.status == intakes.RECEIVED
    assert intake.due_date == clock.today() + dt.timedelta(days=15)
    assert "承诺时限自今日起算" in box.message.text() and "补齐" in box.label.text()
    assert "状态：<b>受理</b>" in dialog.ui.summaryLabel.text()
    assert not box.supply_button.isVisible()


def test_the_lists_show_pending_requests_and_late_documents(qtbot, page, clerk, resident):
    data = intakes.IntakeInput(resident.id, catalog.WAGE, "欠薪投诉",
                               {"employer": "某公司", "workers": "3", "amount_owed": "9000"},
                               received_at=clock.now() - dt.timedelta(days=3))
    pending = material_check.create_checked_intake(clerk, data, ["居民身份证"], mode=NOTICE, deadline=clock.today())
    late = material_check.create_checked_intake(clerk, data, ["居民身份证", "劳动合同或用工证明"], mode=DEFERRED,
                                              deadline=clock.today() - dt.timedelta(days=1))
    page.ui.tabs.setFocus()
    qtbot.keyClick(page.ui.tabs, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)  # 受理列表
    assert page.ui.tabs.currentIndex() == 1
    combo = page.ui.viewCombo
    combo.setFocus()
    for view, serial, due in (("补齐逾期", late.serial, f"{late.due_date:%Y-%m-%d}"),
                              ("待补正", pending.serial, "待补正后起算")):
        target = combo.findData(view)
        while combo.currentIndex() != target:
            qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up)
        qtbot.waitUntil(lambda serial=serial: [page.list_model.row_at(r).serial for r in range(page.list_model.rowCount())]
                        == [serial], timeout=10_000)  # the list loads in the background
        assert page.list_model.data(page.list_model.index(0, 6)) == due
