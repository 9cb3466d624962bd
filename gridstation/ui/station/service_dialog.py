"""Edit one service of the catalogue and its fields, so a station adds services without code."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from gridstation.core.rules.errors import DomainError
from gridstation.core.station import catalog
from gridstation.core.station.material_list import materials_of
from gridstation.core.station.topics import Topic
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.forms import Form
from gridstation.ui.common.keyboard import fit_to_screen
from gridstation.ui.common.saving import one_at_a_time
from gridstation.ui.intake.materials_widgets import MaterialsEditor

STAGES = {"intake": "受理时", "complete": "办结时"}
HEADERS = ["名称", "类型", "必填", "选项", "填写时机"]
# A field's key and statistics role ride on its name cell: staff never see or type them.
KEY_ROLE, STAT_ROLE = 256, 257


def split_list(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[、,，;；]", text) if p.strip()]


class ServiceDialogForm(Form):
    FORM = "service_dialog.ui"
    actionsEdit: QLineEdit
    activeCheck: QCheckBox
    addFieldButton: QPushButton
    aliasesEdit: QLineEdit
    cancelButton: QPushButton
    categoryEdit: QLineEdit
    daysSpin: QSpinBox
    fieldTable: QTableWidget
    materialsHost: QWidget  # placeholder: the service's 材料清单 (MaterialsEditor)
    messageLabel: QLabel
    nameEdit: QLineEdit
    removeFieldButton: QPushButton
    saveButton: QPushButton


class ServiceDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, service: m.ServiceType | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.setWindowTitle("编辑业务" if service else "新增业务")
        self.ui = ServiceDialogForm.load(self)
        table = self.ui.fieldTable
        table.setColumnCount(len(HEADERS))
        table.setHorizontalHeaderLabels(HEADERS)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.ui.activeCheck.setChecked(True)
        self.ui.daysSpin.setValue(5)
        if service is not None:
            self.ui.nameEdit.setText(service.name)
            self.ui.categoryEdit.setText(service.category)
            self.ui.daysSpin.setValue(service.promised_days)
            self.ui.actionsEdit.setText("、".join(catalog.actions_of(service)))
            self.ui.aliasesEdit.setText("、".join(catalog.aliases_of(service)))
            self.ui.activeCheck.setChecked(service.active)
            for fdef in catalog.fields_of(service):
                self.add_field(fdef)
        self.ui.addFieldButton.clicked.connect(self.add_blank_field)
        self.ui.removeFieldButton.clicked.connect(lambda: table.removeRow(table.currentRow()))
        self.ui.saveButton.clicked.connect(self.save)
        self.ui.cancelButton.clicked.connect(self.reject)
        self.ui.saveButton.setDefault(True)  # Enter saves; otherwise 添加字段, the first button, would take it
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        QShortcut(QKeySequence("Ctrl+Shift+N"), self, activated=self.ui.addFieldButton.click)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), table, activated=self.ui.removeFieldButton.click,
                  context=Qt.ShortcutContext.WidgetShortcut)
        self._add_materials_section(service)
        fit_to_screen(self, 860, 680)
        self.ui.nameEdit.setFocus()

    # --- 材料清单 (core/intake/material_rules.py, material_check.py): one self-contained section ---------------------------
    def _add_materials_section(self, service: m.ServiceType | None) -> None:
        self.materials_editor = MaterialsEditor(self)
        self.ui.place(self.ui.materialsHost, self.materials_editor)
        editor = self.materials_editor
        chain = [self.ui.removeFieldButton, editor.table, editor.add_button, editor.remove_button, self.ui.cancelButton]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        if service is not None:
            self.materials_editor.set_materials(materials_of(service))

    def add_field(self, fdef: catalog.FieldDef | None) -> None:
        table = self.ui.fieldTable
        row = table.rowCount()
        table.insertRow(row)
        name = QTableWidgetItem(fdef.label if fdef else "")
        # An existing field keeps its key and statistics role (e.g. 欠薪金额); a new one gets both from core.
        name.setData(KEY_ROLE, fdef.key if fdef else "")
        name.setData(STAT_ROLE, fdef.stat if fdef else "")
        table.setItem(row, 0, name)
        kind = QComboBox()
        for key, label in catalog.FIELD_TYPES.items():
            kind.addItem(label, key)
        kind.setCurrentIndex(max(kind.findData(fdef.type if fdef else "text"), 0))
        table.setCellWidget(row, 1, kind)
        required = QCheckBox()
        required.setChecked(bool(fdef and fdef.required))
        table.setCellWidget(row, 2, required)
        table.setItem(row, 3, QTableWidgetItem("、".join(fdef.choices) if fdef else ""))
        stage = QComboBox()
        for key, label in STAGES.items():
            stage.addItem(label, key)
        stage.setCurrentIndex(max(stage.findData(fdef.stage if fdef else "intake"), 0))
        table.setCellWidget(row, 4, stage)
        table.setCurrentCell(row, 0)

    def add_blank_field(self) -> None:
        """A new row, with the cursor on its 名称 cell: typing names the field at once."""
        self.add_field(None)
        table = self.ui.fieldTable
        table.setCurrentCell(table.rowCount() - 1, 0)
        table.setFocus()

    def fields(self) -> list[dict]:
        table = self.ui.fieldTable
        out = []
        for row in range(table.rowCount()):
            name = table.item(row, 0) or QTableWidgetItem("")
            choices = table.item(row, 3)
            out.append({
                "key": name.data(KEY_ROLE) or "",
                "label": name.text().strip(),
                "type": table.cellWidget(row, 1).currentData(),
                "required": table.cellWidget(row, 2).isChecked(),
                "choices": split_list(choices.text() if choices else ""),
                "stat": name.data(STAT_ROLE) or "",
                "stage": table.cellWidget(row, 4).currentData(),
            })
        return out

    @one_at_a_time
    def save(self) -> None:
        try:
            catalog.save_service(
                self.ctx.staff, code=self.service.code if self.service else "", name=self.ui.nameEdit.text(),
                promised_days=self.ui.daysSpin.value(), actions=split_list(self.ui.actionsEdit.text()),
                fields=self.fields(), category=self.ui.categoryEdit.text(), active=self.ui.activeCheck.isChecked(),
                aliases=split_list(self.ui.aliasesEdit.text()),
                materials=self.materials_editor.materials(),
            )
        except DomainError as exc:
            self.ui.messageLabel.setText(exc.message)
            own = {"name": self.ui.nameEdit, "promised_days": self.ui.daysSpin,
                   "actions": self.ui.actionsEdit}
            (own.get(exc.field or "") or self.ui.fieldTable).setFocus()
            return
        self.ctx.bus.data_changed.emit(Topic.SETTINGS)
        self.accept()
