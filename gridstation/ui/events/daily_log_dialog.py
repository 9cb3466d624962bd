"""民情日志: a grid worker's day — every event step they recorded — chosen by worker and day."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from gridstation.core.events.queries import daily_log
from gridstation.core.rules import clock
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.forms import Form


class DailyLogDialog(QDialog, Form):
    FORM = "daily_log_dialog.ui"
    workerCombo: QComboBox
    dayEdit: QDateEdit
    table: QTableWidget
    countLabel: QLabel
    closeButton: QPushButton  # not the default: Enter in the worker box must not close the log

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("民情日志")
        self.setup_form()
        for staff in m.Staff.select().where(m.Staff.active).order_by(m.Staff.display_name):
            self.workerCombo.addItem(staff.display_name, staff.id)
        if ctx.staff is not None:
            self.workerCombo.setCurrentIndex(max(0, self.workerCombo.findData(ctx.staff.id)))
        self.dayEdit.setDate(QDate(clock.today()))
        self.closeButton.clicked.connect(self.accept)
        self.workerCombo.currentIndexChanged.connect(self.reload)
        self.dayEdit.dateChanged.connect(self.reload)
        self.resize(900, 560)
        self.reload()

    def reload(self, *_args: object) -> None:
        staff_id = self.workerCombo.currentData()
        day: dt.date = self.dayEdit.date().toPython()
        steps = daily_log(staff_id, day) if staff_id is not None else []
        self.table.setRowCount(len(steps))
        for row, step in enumerate(steps):
            values = (f"{step.at:%H:%M}", step.event.number, step.event.category, step.action,
                      step.note or step.event.description[:40])
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        found = sum(s.action == "登记" for s in steps)
        closed = sum(s.action == "销号" for s in steps)
        self.countLabel.setText(f"{self.workerCombo.currentText()} {day:%Y-%m-%d}：共 {len(steps)} 项，"
                                f"其中登记 {found} 件、销号 {closed} 件。")
