"""The 工具 tab: kinds with their counts, the units of a kind, a unit's history, labels."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QWidget,
)

from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.money import yuan
from gridstation.core.station import printouts
from gridstation.core.station.roles import HEAD
from gridstation.core.station.topics import Topic
from gridstation.core.storage import models as m
from gridstation.core.storage import photos
from gridstation.core.toolbox import tool_units
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.feedback import show_message
from gridstation.ui.common.file_dialogs import open_file_name
from gridstation.ui.common.forms import Form
from gridstation.ui.common.keyboard import button_keys
from gridstation.ui.common.saving import one_at_a_time
from gridstation.ui.common.table_model import Column, PagedTableModel, setup_table
from gridstation.ui.toolbox.tools_widgets import allowed, selected_row

_LIST_SPLIT = re.compile(r"[、,，;；\s]+")


def kind_columns() -> list[Column]:
    counts = [Column(state, lambda r, s=state: r.counts[s])
              for state in (tool_units.AVAILABLE, tool_units.ON_LOAN, tool_units.REPAIR, tool_units.LOST, tool_units.SCRAPPED)]
    return [
        Column("工具", lambda r: r.kind.name),
        Column("类别", lambda r: r.kind.category),
        Column("借期", lambda r: f"{r.kind.loan_days}个自然日"),
        Column("押金", lambda r: f"¥{yuan(r.kind.deposit_fen)}" if r.kind.deposit_fen else "免押金"),
        *counts,
        Column("状态", lambda r: "可借" if r.kind.active else "停用"),
    ]


class ToolsCatalogueForm(Form):
    FORM = "tools_catalogue.ui"
    addCodesButton: QPushButton
    addCodesEdit: QLineEdit
    addCountSpin: QSpinBox
    addUnitsButton: QPushButton
    catalogueMessage: QLabel
    choosePhotoButton: QPushButton
    clearPhotoButton: QPushButton
    deleteKindButton: QPushButton
    exportUnitsButton: QPushButton
    historyTable: QTableView
    kindActiveCheck: QCheckBox
    kindCategoryEdit: QLineEdit
    kindDaysSpin: QSpinBox
    kindDepositEdit: QLineEdit
    kindNameEdit: QLineEdit
    kindPartsEdit: QLineEdit
    kindPhotoLabel: QLabel
    kindSafetyEdit: QPlainTextEdit
    kindsTable: QTableView
    labelsButton: QPushButton
    newKindButton: QPushButton
    purchaseCheck: QCheckBox
    purchaseDateEdit: QDateEdit
    saveKindButton: QPushButton
    setStateButton: QPushButton
    unitNoteEdit: QLineEdit
    unitsCaption: QLabel
    unitsTable: QTableView
    unitStateCombo: QComboBox


class CatalogueTab(QWidget):
    def __init__(self, page: QWidget, ctx: AppContext, host: QWidget) -> None:
        super().__init__(host)
        self.page, self.ctx = page, ctx
        self.ui = ToolsCatalogueForm.load(self)
        self.kinds: list[tool_units.KindRow] = []
        self.kind_id: int | None = None
        self.photo = ""  # what the form saves as KindInput.photo: a stored digest or a newly chosen file
        self.kinds_model = PagedTableModel(kind_columns(), lambda offset, limit: self.kinds[offset:offset + limit],
                                           highlight=lambda r: not r.kind.active)
        self.units_model = PagedTableModel([
            Column("资产编号", lambda u: u.asset_code),
            Column("状态", lambda u: u.state),
            Column("购置日期", lambda u: f"{u.purchase_date:%Y-%m-%d}" if u.purchase_date else ""),
            Column("情况说明", lambda u: u.condition_notes),
        ], self._fetch_units)
        self.history_model = PagedTableModel([
            Column("时间", lambda e: f"{e.at:%Y-%m-%d %H:%M}"),
            Column("变更", lambda e: f"{e.from_state}→{e.to_state}" if e.from_state else e.to_state),
            Column("说明", lambda e: e.note),
            Column("经办人", lambda e: e.staff.display_name if e.staff_id else ""),
        ], self._fetch_history)
        ui = self.ui
        setup_table(ui.kindsTable, self.kinds_model)
        setup_table(ui.unitsTable, self.units_model)
        setup_table(ui.historyTable, self.history_model)
        ui.unitStateCombo.addItems(list(tool_units.MANUAL_STATES))
        ui.kindsTable.selectionModel().selectionChanged.connect(lambda *_: self._kind_selected())
        ui.unitsTable.selectionModel().selectionChanged.connect(lambda *_: self.history_model.reload())
        ui.newKindButton.clicked.connect(self.new_kind)
        ui.saveKindButton.clicked.connect(self.save_kind)
        ui.deleteKindButton.clicked.connect(self.delete_kind)
        ui.addUnitsButton.clicked.connect(lambda: self.add_units(generated=True))
        ui.addCodesButton.clicked.connect(lambda: self.add_units(generated=False))
        ui.setStateButton.clicked.connect(self.set_state)
        ui.labelsButton.clicked.connect(self.print_labels)
        ui.exportUnitsButton.clicked.connect(lambda: self.export_units())
        button_keys((ui.newKindButton, "Ctrl+N"), (ui.deleteKindButton, "Ctrl+Del"), (ui.saveKindButton, "Ctrl+S"),
                    (ui.setStateButton, "Ctrl+T"), (ui.labelsButton, "Ctrl+P"), (ui.exportUnitsButton, "Ctrl+E"))
        ui.choosePhotoButton.clicked.connect(lambda: self.choose_photo())
        ui.clearPhotoButton.clicked.connect(lambda: self._show_photo(""))
        ui.purchaseCheck.toggled.connect(ui.purchaseDateEdit.setEnabled)
        ui.purchaseDateEdit.setDate(QDate(clock.today()))
        for button in (ui.newKindButton, ui.saveKindButton, ui.deleteKindButton, ui.choosePhotoButton,
                       ui.clearPhotoButton):
            button.setEnabled(allowed(self.ctx, HEAD))

    def _message(self, role: str, text: str) -> None:
        show_message(self.ui.catalogueMessage, role, text)

    # --- kinds --------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the counts, keeping the selected kind and unit selected."""
        code = self._selected_code()
        self.kinds = tool_units.kind_rows()
        self.kinds_model.reload()
        rows = [r.kind.id for r in self.kinds]
        if self.kind_id in rows:
            self.ui.kindsTable.selectRow(rows.index(self.kind_id))
        else:
            self.units_model.reload()
        codes = [u.asset_code for u in self.units_model.rows]
        if code in codes:
            self.ui.unitsTable.selectRow(codes.index(code))

    def _kind_selected(self) -> None:
        row = selected_row(self.ui.kindsTable)
        if not 0 <= row < len(self.kinds):
            return
        kind = self.kinds[row].kind
        self.kind_id = kind.id
        ui = self.ui
        ui.kindNameEdit.setText(kind.name)
        ui.kindCategoryEdit.setText(kind.category)
        ui.kindDaysSpin.setValue(kind.loan_days)
        ui.kindDepositEdit.setText(yuan(kind.deposit_fen))
        ui.kindPartsEdit.setText("、".join(tool_units.parts_of(kind)))
        ui.kindSafetyEdit.setPlainText(kind.safety_note)
        ui.kindActiveCheck.setChecked(kind.active)
        self._show_photo(kind.photo)
        ui.unitsCaption.setText(f"“{kind.name}”的各件工具")
        self.units_model.reload()
        self.history_model.reload()

    def new_kind(self) -> None:
        self.kind_id = None
        self.ui.kindsTable.clearSelection()
        ui = self.ui
        for edit in (ui.kindNameEdit, ui.kindCategoryEdit, ui.kindDepositEdit, ui.kindPartsEdit):
            edit.clear()
        ui.kindSafetyEdit.clear()
        ui.kindDaysSpin.setValue(7)
        ui.kindActiveCheck.setChecked(True)
        self._show_photo("")
        ui.unitsCaption.setText("保存新的工具种类后再添加工具")
        self.units_model.reload()
        ui.kindNameEdit.setFocus()

    @one_at_a_time
    def save_kind(self) -> m.ToolKind | None:
        ui = self.ui
        data = tool_units.KindInput(
            name=ui.kindNameEdit.text(), category=ui.kindCategoryEdit.text(), loan_days=ui.kindDaysSpin.value(),
            deposit=ui.kindDepositEdit.text(), safety_note=ui.kindSafetyEdit.toPlainText(),
            parts=[p for p in _LIST_SPLIT.split(ui.kindPartsEdit.text()) if p], photo=self.photo,
            active=ui.kindActiveCheck.isChecked())
        try:
            kind = tool_units.save_kind(self.ctx.staff, data, self.kind_id)
        except DomainError as exc:
            self._message("error", exc.message)
            return None
        self.kind_id = kind.id
        self._show_photo(kind.photo)
        self._message("ok", f"已保存工具种类“{kind.name}”。")
        self.ctx.bus.data_changed.emit(Topic.TOOLS)
        return kind

    @one_at_a_time
    def delete_kind(self) -> int | None:
        """The id of the kind deleted (or retired); None when nothing was."""
        kind_id = self.kind_id
        if kind_id is None:
            self._message("error", "请先在列表中选择要删除的工具种类。")
            return None
        try:
            tool_units.delete_kind(self.ctx.staff, kind_id)
        except DomainError as exc:
            self._message("error", exc.message)
            return None
        self.kind_id = None
        self._message("ok", "已删除该工具种类。")
        self.new_kind()
        self.ctx.bus.data_changed.emit(Topic.TOOLS)
        return kind_id

    def choose_photo(self, path: Path | None = None) -> None:
        """Pick an image for the kind; it is stored in the database when the kind is saved.

        ``path`` skips the file dialog.
        """
        if path is None:
            chosen = open_file_name(self.page, "选择工具照片", "photos", "图片 (*.jpg *.jpeg *.png *.gif *.bmp *.webp)")
            if not chosen:
                return
            path = Path(chosen)
        self._show_photo(str(path))
        self._message("ok", "已选择照片，点“保存种类”后生效。")

    def _show_photo(self, photo: str) -> None:
        """Remember ``photo`` for the next save and show it small beside the kind's details."""
        self.photo = photo
        label = self.ui.kindPhotoLabel
        pixmap = QPixmap()
        if photos.is_stored(photo):
            pixmap.loadFromData(photos.photo_bytes(photo) or b"")
        elif photo:
            pixmap.load(photo)
        if pixmap.isNull():
            label.setPixmap(QPixmap())
            label.setText("无照片" if not photo else "无法预览")
            return
        label.setPixmap(pixmap.scaled(label.maximumSize(), Qt.AspectRatioMode.KeepAspectRatio,
                                      Qt.TransformationMode.SmoothTransformation))

    # --- units --------------------------------------------------------------------------------
    def _fetch_units(self, offset: int, limit: int) -> list:
        if self.kind_id is None:
            return []
        return tool_units.unit_rows(self.kind_id, offset=offset, limit=limit)

    def _selected_code(self) -> str:
        row = selected_row(self.ui.unitsTable)
        return self.units_model.row_at(row).asset_code if row >= 0 else ""

    def _fetch_history(self, offset: int, limit: int) -> list:
        code = self._selected_code()
        return tool_units.unit_history(code, offset=offset, limit=limit) if code else []

    @one_at_a_time
    def add_units(self, *, generated: bool) -> list[m.ToolUnit] | None:
        if self.kind_id is None:
            self._message("error", "请先在列表中选择工具种类。")
            return None
        try:
            if generated:
                units = tool_units.add_units(self.ctx.staff, self.kind_id, self.ui.addCountSpin.value(),
                                        purchase_date=self._purchase_date())
            else:
                codes = [c for c in _LIST_SPLIT.split(self.ui.addCodesEdit.text()) if c]
                units = tool_units.add_units(self.ctx.staff, self.kind_id, codes=codes, purchase_date=self._purchase_date())
        except DomainError as exc:
            self._message("error", exc.message)
            return None
        self.ui.addCodesEdit.clear()
        codes = [u.asset_code for u in units]
        shown = "、".join(codes) if len(codes) <= 6 else f"{codes[0]} 至 {codes[-1]}"
        self._message("ok", f"已添加 {len(codes)} 件：{shown}。可点“打印资产标签”。")
        self.ctx.bus.data_changed.emit(Topic.TOOLS)
        return units

    def _purchase_date(self) -> dt.date | None:
        return self.ui.purchaseDateEdit.date().toPython() if self.ui.purchaseCheck.isChecked() else None

    def _kind_name(self) -> str | None:
        return next((r.kind.name for r in self.kinds if r.kind.id == self.kind_id), None)

    def export_units(self, path: Path | None = None) -> Path | None:
        """The units list as shown (the selected kind's, or every unit when none is selected) to Excel."""
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.ui.common.exporting import export_list

        return export_list(self.page, self.ctx, "tools", tool_units.query_units(self.kind_id),
                           f"工具清单-{self._kind_name() or '全部工具'}", path)

    @one_at_a_time
    def set_state(self) -> m.ToolUnit | None:
        code = self._selected_code()
        if not code:
            self._message("error", "请先在工具列表中选择一件工具。")
            return None
        try:
            unit = tool_units.set_unit_state(self.ctx.staff, code, self.ui.unitStateCombo.currentText(),
                                        self.ui.unitNoteEdit.text())
        except DomainError as exc:
            self._message("error", exc.message)
            return None
        self.ui.unitNoteEdit.clear()
        self._message("ok", f"资产编号 {unit.asset_code} 已改为“{unit.state}”。")
        self.ctx.bus.data_changed.emit(Topic.TOOLS)
        return unit

    @one_at_a_time
    def print_labels(self) -> Path | None:
        """资产标签 for the selected kind (or every kind when none is selected); the PDF's path."""
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.reports.labels import write_labels
        from gridstation.ui.common.printing import new_pdf_path, preview_document

        kind = self._kind_name()
        try:
            path = write_labels(new_pdf_path("labels"), kind=kind)
            preview_document(self.page, self.ctx.staff, path, f"资产标签 · {kind or '全部工具'}",
                             printouts.LABELS, kind or printouts.ALL_LABELS)
        except DomainError as exc:
            self._message("error", exc.message)
            return None
        return path
