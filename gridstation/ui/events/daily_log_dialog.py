"""民情日志: a grid worker's day — every event step they recorded — chosen by worker and day."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gridstation.core.events.queries import daily_log
from gridstation.core.rules import clock
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.keyboard import one_tab_stop


class DailyLogDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("民情日志")
        self.workerCombo = QComboBox(self)
        for staff in m.Staff.select().where(m.Staff.active).order_by(m.Staff.display_name):
            self.workerCombo.addItem(staff.display_name, staff.id)
        if ctx.staff is not None:
            self.workerCombo.setCurrentIndex(max(0, self.workerCombo.findData(ctx.staff.id)))
        self.dayEdit = QDateEdit(QDate(clock.today()), self)
        self.dayEdit.setDisplayFormat("yyyy-MM-dd")
        self.dayEdit.setCalendarPopup(True)
        one_tab_stop(self.dayEdit)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(["时间", "事件编号", "类别", "步骤", "说明"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.countLabel = QLabel(self)
        top = QHBoxLayout()
        worker_label, day_label = QLabel("网格员(&W)", self), QLabel("日期(&D)", self)
        worker_label.setBuddy(self.workerCombo)
        day_label.setBuddy(self.dayEdit)
        for widget in (worker_label, self.workerCombo, day_label, self.dayEdit):
            top.addWidget(widget)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.countLabel, 1)
        self.closeButton = QPushButton("关闭 (Esc)", self)
        self.closeButton.setAutoDefault(False)  # Enter in the worker box must not close the log
        self.closeButton.clicked.connect(self.accept)
        bottom.addWidget(self.closeButton)
        layout.addLayout(bottom)
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
