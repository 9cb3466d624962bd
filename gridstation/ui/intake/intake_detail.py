"""One intake: what was received, its history, and the next step (办理中 / 办结 / 退回 / 转办)."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gridstation.core.intake import intakes, residents
from gridstation.core.rules import idcard
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import steps
from gridstation.core.station.topics import Topic
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.feedback import show_message
from gridstation.ui.common.forms import Form
from gridstation.ui.common.keyboard import fit_to_screen
from gridstation.ui.common.saving import one_at_a_time
from gridstation.ui.evaluation.evaluation_widgets import RatingBox
from gridstation.ui.intake.materials_widgets import MaterialsStatusBox
from gridstation.ui.intake.service_fields import ServiceFieldsForm


class IntakeDetailForm(Form):
    FORM = "intake_detail.ui"
    actionGroup: QGroupBox
    applyButton: QPushButton
    closeButton: QPushButton
    completionHost: QWidget  # the fields a service asks for at 办结 (ServiceFieldsForm)
    forwardEdit: QLineEdit
    historyGroup: QGroupBox
    historyTable: QTableWidget
    materialsHost: QWidget  # placeholder: 材料 (MaterialsStatusBox)
    messageLabel: QLabel
    noteEdit: QLineEdit
    ratingHost: QWidget  # placeholder: 好差评 (RatingBox)
    reprintButton: QPushButton
    resultEdit: QLineEdit
    statusCombo: QComboBox
    summaryLabel: QLabel
    titleLabel: QLabel
    toCaption: QLabel


class IntakeDetailDialog(QDialog):
    def __init__(self, ctx: AppContext, serial: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.serial = serial
        self.ui = IntakeDetailForm.load(self)
        self.completion = ServiceFieldsForm(self.ui.completionHost)
        QVBoxLayout(self.ui.completionHost).addWidget(self.completion)
        self.ui.statusCombo.currentTextChanged.connect(self._status_chosen)
        self.ui.applyButton.clicked.connect(self.apply)
        self.ui.closeButton.clicked.connect(self.accept)
        self.ui.applyButton.setDefault(True)  # Enter in a field saves; it never closes and loses the typing
        self.ui.reprintButton.clicked.connect(self.reprint)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.apply)
        QShortcut(QKeySequence("Ctrl+P"), self, activated=self.reprint)
        table = self.ui.historyTable
        table.setColumnCount(5)
        table.setHorizontalHeaderLabels(["时间", "人员", "原状态", "新状态", "说明"])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        self._add_materials_block()
        self._add_rating_block()
        fit_to_screen(self, 760, 740)
        self.load()
        self.ui.statusCombo.setFocus()

    # --- 材料 (core/intake/material_rules.py, material_check.py): one self-contained block ---------------------------------
    def _add_materials_block(self) -> None:
        self.materials_box = MaterialsStatusBox(self.ctx, self)
        self.ui.place(self.ui.materialsHost, self.materials_box)
        self.materials_box.supplied.connect(self._materials_supplied)

    def _materials_supplied(self) -> None:
        """A refusal for documents still due no longer holds once they are in; the step chosen stays."""
        if self.ui.messageLabel.property("role") == "error":
            show_message(self.ui.messageLabel, "warn", "")
        self.load()

    # --- 好差评 (core/evaluation/): one self-contained block --------------------------------------
    def _add_rating_block(self) -> None:
        self.rating_box = RatingBox(self.ctx, self)
        self.ui.place(self.ui.ratingHost, self.rating_box)
        self.rating_box.changed.connect(self.load)

    def load(self) -> None:
        intake = intakes.get_intake(self.serial)
        self.intake = intake
        r = intake.resident
        overdue = "　<span style='color:#b3261e'>已逾期</span>" if intakes.is_overdue(intake) else ""
        self.setWindowTitle(f"受理详情 · {intake.serial}")
        self.ui.titleLabel.setText(f"{intake.service.name}{('·' + intake.action) if intake.action else ''}　{intake.serial}")
        due = "补正后起算" if intake.status == intakes.PENDING_DOCS else f"{intake.due_date:%Y-%m-%d}"
        lines = [
            f"状态：<b>{intake.status}</b>{overdue}　受理：{intake.received_at:%Y-%m-%d %H:%M}　承诺办结：{due}",
            f"居民：{r.name}　{idcard.mask_id(r.doc_number)}　电话：{r.phone or '无'}　住址：{residents.address(r) or '未登记'}",
            f"经办人：{intakes.handler_name(intake) or '—'}　收取材料：{intake.documents or '—'}",
        ]
        lines += [f"{label}：{value}" for label, value in intakes.details_of(intake)]
        if intake.result:
            lines.append(f"办理结果：{intake.result}")
        if intake.forwarded_to:
            lines.append(f"转往：{intake.forwarded_to}")
        self.ui.summaryLabel.setText("<br>".join(lines))
        self.materials_box.show_intake(intake)
        self.rating_box.show_intake(intake)
        events = intakes.history(intake)
        self.ui.historyTable.setRowCount(len(events))
        for row, ev in enumerate(events):
            values = [f"{ev.at:%Y-%m-%d %H:%M}", ev.staff.display_name if ev.staff_id else "系统",
                      ev.from_status, ev.to_status, ev.note]
            for col, value in enumerate(values):
                self.ui.historyTable.setItem(row, col, QTableWidgetItem(value))
        chosen = self.ui.statusCombo.currentText()
        self.ui.statusCombo.blockSignals(True)  # a reload (材料已补齐) keeps 办结 and its typed fields chosen
        self.ui.statusCombo.clear()
        self.ui.statusCombo.addItems(list(intakes.TRANSITIONS.get(intake.status, ())))
        self.ui.statusCombo.setCurrentIndex(max(self.ui.statusCombo.findText(chosen), 0))
        self.ui.statusCombo.blockSignals(False)
        if self.ui.statusCombo.currentText() != chosen or not chosen:
            self._status_chosen(self.ui.statusCombo.currentText())
        self.ui.actionGroup.setEnabled(intake.status in intakes.TRANSITIONS)
        self.ui.applyButton.setEnabled(intake.status in intakes.TRANSITIONS)

    def _status_chosen(self, status: str) -> None:
        if status == intakes.COMPLETED:
            self.completion.set_service(self.intake.service, "complete")
        else:
            self.completion.clear()
        self.completion.chain_tab_order(self.ui.noteEdit, self.ui.reprintButton)

    @one_at_a_time
    def apply(self) -> None:
        status = self.ui.statusCombo.currentText()
        if not status:
            return
        try:
            intakes.change_status(
                self.ctx.staff, self.serial, status, note=self.ui.noteEdit.text(), result=self.ui.resultEdit.text(),
                forwarded_to=self.ui.forwardEdit.text(),
                completion=self.completion.values() if status == intakes.COMPLETED else None,
                seen=steps.version_of(intakes.INTAKE, self.intake),  # what this window shows; newer is refused
            )
        except DomainError as exc:
            named = self.completion.focus_field(exc.field, {"result": self.ui.resultEdit, "note": self.ui.noteEdit,
                                                            "forwarded_to": self.ui.forwardEdit})
            show_message(self.ui.messageLabel, "error", exc.message, [self.ui.statusCombo, *filter(None, [named])])
            return
        self.ctx.bus.data_changed.emit(Topic.INTAKE)
        show_message(self.ui.messageLabel, "ok", f"已改为“{status}”。")
        for edit in (self.ui.resultEdit, self.ui.noteEdit, self.ui.forwardEdit):
            edit.clear()
        self.load()
        # The cursor was in the steps, now greyed after 办结/退回/转办: it goes where the work goes on.
        if not self.ui.actionGroup.isEnabled():
            (self.rating_box.level_combo if self.rating_box.isVisible() else self.ui.closeButton).setFocus()

    @one_at_a_time
    def reprint(self) -> None:
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.ui.common.printing import preview_receipt

        try:
            preview_receipt(self, self.ctx.staff, self.serial)
        except DomainError as exc:
            show_message(self.ui.messageLabel, "error", exc.message)
