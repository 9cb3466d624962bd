"""The 材料清单 on screen: editing a service's list (service dialog) and ticking what a resident brought
(intake page), with the choice between 一次性告知 and 容缺受理 when something is missing.

Both are self-contained blocks their hosts add with one call, so other changes to those screens do not
touch them. Rules (what may be 容缺, the deadlines) live in core/intake/material_rules.py and material_check.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from gridstation.core.intake import intakes, material_check
from gridstation.core.intake.material_rules import DEFERRED, NOTICE
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import printouts
from gridstation.core.station.material_list import FORMS, MaterialDef, describe, materials_of
from gridstation.core.station.topics import Topic
from gridstation.core.storage import models as m
from gridstation.reports.material_notices import NOTICE_TITLE, PLEDGE_TITLE, write_notice, write_pledge
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.feedback import say_in_line
from gridstation.ui.common.forms import Form
from gridstation.ui.common.printing import new_pdf_path, preview_document
from gridstation.ui.common.saving import one_at_a_time

CHOICES = [("出具一次性告知单（待补正）", NOTICE), ("容缺受理（先受理，限期补齐）", DEFERRED)]


class MaterialsEditor(QWidget, Form):
    """The service dialog's 材料清单 section: one row per document."""

    FORM = "materials_editor.ui"
    table: QTableWidget
    add_button: QPushButton
    remove_button: QPushButton

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setup_form()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.add_button.clicked.connect(lambda: self.add_row(MaterialDef("")))
        self.remove_button.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))

    def set_materials(self, defs: list[MaterialDef]) -> None:
        self.table.setRowCount(0)
        for mdef in defs:
            self.add_row(mdef)

    def add_row(self, mdef: MaterialDef) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(mdef.name))
        form = QComboBox()
        form.addItems(list(FORMS))
        form.setCurrentIndex(max(form.findText(mdef.form), 0))
        self.table.setCellWidget(row, 1, form)
        count = QSpinBox()
        count.setRange(1, 99)
        count.setValue(mdef.count)
        self.table.setCellWidget(row, 2, count)
        later = QCheckBox()
        later.setChecked(mdef.later)
        self.table.setCellWidget(row, 3, later)
        self.table.setItem(row, 4, QTableWidgetItem(mdef.source))
        self.table.setCurrentCell(row, 0)

    def materials(self) -> list[dict]:
        t = self.table
        return [{"name": t.item(r, 0).text().strip() if t.item(r, 0) else "", "form": t.cellWidget(r, 1).currentText(),
                 "count": t.cellWidget(r, 2).value(), "later": t.cellWidget(r, 3).isChecked(),
                 "source": t.item(r, 4).text().strip() if t.item(r, 4) else ""} for r in range(t.rowCount())]


class MaterialsChecklist(QWidget, Form):
    """The intake page's checklist: every document of the service, ticked when brought (all ticked at
    first: most residents bring everything, and the clerk unticks what is missing). With something
    missing it asks for 一次性告知 or 容缺受理 and the date."""

    FORM = "materials_checklist.ui"
    boxesGrid: QGridLayout  # the service's documents, two to a row
    missing_label: QLabel
    mode_combo: QComboBox
    date_caption: QLabel
    date_edit: QDateEdit

    changed = Signal()  # a box was ticked or unticked (the resident screen shows what was received)

    def __init__(self, parent: QWidget | None = None, *, next_widget: QWidget | None = None) -> None:
        super().__init__(parent)
        self._next_widget = next_widget  # where Tab goes after the list and the date
        self.setup_form()
        self.boxes: list[tuple[QCheckBox, MaterialDef]] = []
        for text, key in CHOICES:
            self.mode_combo.addItem(text, key)
        self.mode_combo.currentIndexChanged.connect(self._update)
        self._promised_days = 0
        self.set_service(None)

    def set_service(self, service: m.ServiceType | None) -> None:
        for box, _ in self.boxes:
            self.boxesGrid.removeWidget(box)
            box.hide()  # gone from the screen now, not when the event loop next deletes it
            box.deleteLater()
        self.boxes = []
        defs = materials_of(service) if service is not None else []
        self._promised_days = service.promised_days if service is not None else 0
        for n, mdef in enumerate(defs):
            box = QCheckBox(mdef.described + ("　可容缺" if mdef.later else ""))
            box.setChecked(True)
            box.toggled.connect(self._update)
            self.boxesGrid.addWidget(box, n // 2, n % 2)
            self.boxes.append((box, mdef))
        self.setVisible(bool(defs))
        chain = [box for box, _ in self.boxes] + [self.mode_combo, self.date_edit] + (
            [self._next_widget] if self._next_widget is not None else [])
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self.mode_combo.setCurrentIndex(0)
        self._update()

    def tab_stops(self) -> list[QWidget]:
        """The checklist's Tab stops in the order shown (none when the service lists nothing)."""
        return [box for box, _ in self.boxes] + [self.mode_combo, self.date_edit] if self.boxes else []

    def has_list(self) -> bool:
        return bool(self.boxes)

    def brought(self) -> list[str]:
        return [mdef.name for box, mdef in self.boxes if box.isChecked()]

    def missing(self) -> list[MaterialDef]:
        return [mdef for box, mdef in self.boxes if not box.isChecked()]

    def mode(self) -> str:
        return self.mode_combo.currentData() if self.missing() else ""

    def deadline(self) -> dt.date | None:
        return self.date_edit.date().toPython() if self.missing() else None

    def received_text(self) -> str:
        return describe([mdef for box, mdef in self.boxes if box.isChecked()])

    def _update(self) -> None:
        missing = self.missing()
        for widget in (self.mode_combo, self.date_caption, self.date_edit):
            widget.setVisible(bool(missing))
        if missing:
            self.missing_label.setText("缺少：" + "、".join(d.name for d in missing) + "。请选择处理方式和日期：")
            deferred = self.mode_combo.currentData() == DEFERRED
            self.date_caption.setText("补齐期限" if deferred else "补交日期")
            today = clock.today()
            # 容缺: by the promised date at the latest; 告知: a week, the clerk changes it if agreed otherwise.
            suggested = intakes.due_date_for(today, self._promised_days) if deferred else today + dt.timedelta(days=7)
            self.date_edit.setDate(QDate(suggested))
        else:
            self.missing_label.setText("")
        self.changed.emit()

    def focus_field(self, field: str | None, items: tuple[str, ...] = ()) -> bool:
        """Focus what a refusal names (the first material it lists, else the list, or the date); False when
        it names something else."""
        named = [box for box, mdef in self.boxes if mdef.name in items] or [box for box, _ in self.boxes[:1]]
        target = {"materials": named[0] if named else None, "deadline": self.date_edit}.get(field or "")
        if target is None:
            return False
        target.setFocus()
        return True


def preview_material_document(parent: QWidget, actor: m.Staff | None, serial: str, mode: str) -> Path:
    """Write the 一次性告知单 (告知) or the 容缺受理承诺书 (容缺) of ``serial`` and preview it (recorded as a
    preview; its print is recorded only if it is printed)."""
    write, title, document = ((write_notice, NOTICE_TITLE, printouts.NOTICE) if mode == NOTICE
                              else (write_pledge, PLEDGE_TITLE, printouts.PLEDGE))
    path = write(serial, new_pdf_path(f"{serial}-{mode}"))
    preview_document(parent, actor, path, f"{title} {serial}", document, serial)
    return path


class MaterialsStatusBox(QWidget, Form):
    """The intake detail's 材料 block: what was received and what is still due, and the 补正/补齐 action
    (Ctrl+B) when the documents come; the notice or pledge can be printed again from here."""

    FORM = "materials_status.ui"
    label: QLabel
    supply_button: QPushButton
    print_button: QPushButton
    message: QLabel  # hidden while empty, so the dialog keeps its room for the history

    supplied = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.serial = ""
        self.mode = ""
        self.setup_form()
        self.supply_button.clicked.connect(self.supply)
        self.print_button.clicked.connect(
            lambda: preview_material_document(self, self.ctx.staff, self.serial, self.mode))
        QShortcut(QKeySequence("Ctrl+B"), parent or self, activated=self.supply)

    def show_intake(self, intake: m.Intake) -> None:
        check = material_check.check_of(intake)
        self.serial, self.mode = intake.serial, check.mode if check else ""
        self.setVisible(check is not None)
        if check is None:
            return
        lines = [f"已收：{describe(check.brought) or '无'}"]
        if check.still_missing:
            what = "补交日期" if check.mode == NOTICE else "补齐期限"
            lines.append(f"<span style='color:#b3261e'>尚缺：{describe(check.still_missing)}　{what}：{check.deadline:%Y-%m-%d}</span>")
        elif check.supplied_at:
            lines.append(f"材料已于 {check.supplied_at:%Y-%m-%d %H:%M} 补齐。")
        self.label.setText("<br>".join(lines))
        due = bool(check.still_missing) and intake.status in (intakes.PENDING_DOCS, *intakes.OPEN_STATUSES)
        self.supply_button.setVisible(due)
        self.print_button.setVisible(check.mode in (NOTICE, DEFERRED))
        self.print_button.setText(f"重打{NOTICE_TITLE if check.mode == NOTICE else PLEDGE_TITLE}")

    @one_at_a_time
    def supply(self) -> None:
        if not self.supply_button.isVisible():
            return
        try:
            material_check.supply_missing(self.ctx.staff, self.serial)
        except DomainError as exc:
            say_in_line(self.message, "error", exc.message)
            return
        self.ctx.bus.data_changed.emit(Topic.INTAKE)
        say_in_line(self.message, "ok", "已登记材料补齐。" + ("已转为正式受理，承诺时限自今日起算。" if self.mode == NOTICE else ""))
        self.supplied.emit()
