"""Edit one service of the catalogue and its fields, so a station adds services without code."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QHeaderView, QTableWidgetItem, QWidget

from gridstation.core import catalog
from gridstation.core import models as m
from gridstation.core.errors import DomainError
from gridstation.core.intake_materials.checklist import materials_of
from gridstation.ui.context import AppContext
from gridstation.ui.forms import load_form
from gridstation.ui.materials_widgets import MaterialsEditor

STAGES = {"intake": "受理时", "complete": "办结时"}
HEADERS = ["字段代码", "名称", "类型", "必填", "选项", "填写时机"]


def split_list(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[、,，;；]", text) if p.strip()]


class ServiceDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, service: m.ServiceType | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("编辑业务" if service else "新增业务")
        self.ui = load_form("service_dialog.ui", self)
        table = self.ui.fieldTable
        table.setColumnCount(len(HEADERS))
        table.setHorizontalHeaderLabels(HEADERS)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.ui.activeCheck.setChecked(True)
        self.ui.daysSpin.setValue(5)
        if service is not None:
            self.ui.codeEdit.setText(service.code)
            self.ui.codeEdit.setReadOnly(True)
            self.ui.nameEdit.setText(service.name)
            self.ui.categoryEdit.setText(service.category)
            self.ui.daysSpin.setValue(service.promised_days)
            self.ui.actionsEdit.setText("、".join(catalog.actions_of(service)))
            self.ui.activeCheck.setChecked(service.active)
            for fdef in catalog.fields_of(service):
                self.add_field(fdef)
        self.ui.addFieldButton.clicked.connect(lambda: self.add_field(None))
        self.ui.removeFieldButton.clicked.connect(lambda: table.removeRow(table.currentRow()))
        self.ui.saveButton.clicked.connect(self.save)
        self.ui.cancelButton.clicked.connect(self.reject)
        self._add_materials_section(service)
        self.resize(860, 680)

    # --- 材料清单 (core/intake_materials/): one self-contained section ---------------------------
    def _add_materials_section(self, service: m.ServiceType | None) -> None:
        self.materials_editor = MaterialsEditor(self)
        layout = self.ui.messageLabel.parentWidget().layout()
        layout.insertWidget(layout.indexOf(self.ui.messageLabel), self.materials_editor)
        editor = self.materials_editor
        chain = [self.ui.removeFieldButton, editor.table, editor.add_button, editor.remove_button, self.ui.cancelButton]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)
        if service is not None:
            self.materials_editor.set_materials(materials_of(service))

    def add_field(self, fdef: catalog.FieldDef | None) -> None:
        table = self.ui.fieldTable
        row = table.rowCount()
        table.insertRow(row)
        table.setItem(row, 0, QTableWidgetItem(fdef.key if fdef else f"field{row + 1}"))
        table.setItem(row, 1, QTableWidgetItem(fdef.label if fdef else ""))
        kind = QComboBox()
        for key, label in catalog.FIELD_TYPES.items():
            kind.addItem(label, key)
        kind.setCurrentIndex(max(kind.findData(fdef.type if fdef else "text"), 0))
        table.setCellWidget(row, 2, kind)
        required = QCheckBox()
        required.setChecked(bool(fdef and fdef.required))
        table.setCellWidget(row, 3, required)
        table.setItem(row, 4, QTableWidgetItem("、".join(fdef.choices) if fdef else ""))
        stage = QComboBox()
        for key, label in STAGES.items():
            stage.addItem(label, key)
        stage.setCurrentIndex(max(stage.findData(fdef.stage if fdef else "intake"), 0))
        table.setCellWidget(row, 5, stage)
        # Keep a field's statistics role (e.g. 欠薪金额) when a built-in service is edited.
        table.item(row, 0).setData(256, fdef.stat if fdef else "")

    def fields(self) -> list[dict]:
        table = self.ui.fieldTable
        out = []
        for row in range(table.rowCount()):
            out.append({
                "key": (table.item(row, 0).text() if table.item(row, 0) else "").strip(),
                "label": (table.item(row, 1).text() if table.item(row, 1) else "").strip(),
                "type": table.cellWidget(row, 2).currentData(),
                "required": table.cellWidget(row, 3).isChecked(),
                "choices": split_list(table.item(row, 4).text() if table.item(row, 4) else ""),
                "stat": (table.item(row, 0).data(256) or "") if table.item(row, 0) else "",
                "stage": table.cellWidget(row, 5).currentData(),
            })
        return out

    def save(self) -> None:
        try:
            catalog.save_service(
                self.ctx.staff, code=self.ui.codeEdit.text(), name=self.ui.nameEdit.text(),
                promised_days=self.ui.daysSpin.value(), actions=split_list(self.ui.actionsEdit.text()),
                fields=self.fields(), category=self.ui.categoryEdit.text(), active=self.ui.activeCheck.isChecked(),
                materials=self.materials_editor.materials(),
            )
        except DomainError as exc:
            self.ui.messageLabel.setText(exc.message)
            return
        self.ctx.bus.data_changed.emit("settings")
        self.accept()
