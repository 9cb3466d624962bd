"""开放日与节假日: the weekdays the station opens, the national holidays and 调休 it follows, and the
head's own days — what every due date (tools, 整改, ratings, events) counts. Everyone reads it; the
head changes it (core/station/opening_days.py decides and audits)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QDateEdit, QLabel, QPushButton, QSpinBox, QTableWidget, QWidget

from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import opening_days, roles
from gridstation.core.station.opening_days import CLOSED, OPEN, WEEKDAY_NAMES
from gridstation.core.station.topics import Topic
from gridstation.core.storage import settings
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.feedback import show_message
from gridstation.ui.common.forms import Form
from gridstation.ui.common.keyboard import button_keys
from gridstation.ui.common.saving import one_at_a_time
from gridstation.ui.station.settings_tabs import fill_table


class CalendarTabForm(Form):
    FORM = "calendar_tab.ui"
    closeButton: QPushButton
    dateEdit: QDateEdit
    dateNote: QLabel
    day0Check: QCheckBox
    day1Check: QCheckBox
    day2Check: QCheckBox
    day3Check: QCheckBox
    day4Check: QCheckBox
    day5Check: QCheckBox
    day6Check: QCheckBox
    dayTable: QTableWidget
    messageLabel: QLabel
    nationalCheck: QCheckBox
    openButton: QPushButton
    resetButton: QPushButton
    saveWeekButton: QPushButton
    yearNote: QLabel
    yearSpin: QSpinBox


class CalendarTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ui = CalendarTabForm.load(self)
        self.day_checks: list[QCheckBox] = [getattr(self.ui, f"day{i}Check") for i in range(7)]
        self.rows: list[opening_days.DayRow] = []
        self.ui.saveWeekButton.clicked.connect(self.save_week)
        self.ui.closeButton.clicked.connect(lambda: self.set_day(CLOSED))
        self.ui.openButton.clicked.connect(lambda: self.set_day(OPEN))
        self.ui.resetButton.clicked.connect(lambda: self.set_day(None))
        button_keys((self.ui.saveWeekButton, "Ctrl+S"), (self.ui.closeButton, "Ctrl+H"),
                    (self.ui.openButton, "Ctrl+W"), (self.ui.resetButton, "Ctrl+R"))
        today = clock.today()
        self.ui.yearSpin.setValue(today.year)
        self.ui.dateEdit.setDate(QDate(today))
        self.ui.yearSpin.valueChanged.connect(lambda _y: self.show_year())
        self.ui.dateEdit.dateChanged.connect(lambda _d: self.describe_date())
        self.ui.dayTable.itemSelectionChanged.connect(self.take_selected_date)
        editable = roles.allows(ctx.staff, roles.HEAD)
        for widget in (*self.day_checks, self.ui.nationalCheck, self.ui.saveWeekButton, self.ui.closeButton,
                       self.ui.openButton, self.ui.resetButton):
            widget.setEnabled(editable)
        if not editable:
            show_message(self.ui.messageLabel, "warn", "开放日与节假日由站长设置；到期日都按这里的开放日计算。")
        self.refresh()

    def refresh(self) -> None:
        open_weekdays = set(settings.get("open_weekdays") or [])
        for index, check in enumerate(self.day_checks):
            check.setChecked(index in open_weekdays)
        self.ui.nationalCheck.setChecked(bool(settings.get("national_calendar")))
        self.show_year()

    def show_year(self) -> None:
        year = self.ui.yearSpin.value()
        self.rows = opening_days.special_days(year)
        fill_table(self.ui.dayTable, ["日期", "星期", "上班/休息", "说明", "来源"],
                   [[f"{r.day:%Y-%m-%d}", WEEKDAY_NAMES[r.day.weekday()], r.state, r.name, r.source] for r in self.rows])
        national = opening_days.national_year(year)
        if not self.ui.nationalCheck.isChecked():
            note = "本站不按国家节假日安排，只按每周开放日和本站设定。"
        elif not national.known:
            note = f"本程序未内置{year}年的国家节假日安排：请按国务院办公厅的通知逐日设定，或更新程序。"
        elif national.provisional:
            note = f"{year}年为预排（法定节日及补休），调休上班日以国务院办公厅通知为准，请核对后修改。"
        else:
            note = f"{year}年国家节假日和调休已内置。"
        self.ui.yearNote.setText(note)
        self.describe_date()

    def take_selected_date(self) -> None:
        row = self.ui.dayTable.currentRow()
        if 0 <= row < len(self.rows):
            self.ui.dateEdit.setDate(QDate(self.rows[row].day))

    def describe_date(self) -> None:
        day: dt.date = self.ui.dateEdit.date().toPython()
        state = "开放" if opening_days.station_calendar().is_open(day) else "不开放"
        self.ui.dateNote.setText(f"{WEEKDAY_NAMES[day.weekday()]}，本站{state}")

    @one_at_a_time
    def save_week(self) -> None:
        days = [index for index, check in enumerate(self.day_checks) if check.isChecked()]
        self._run(lambda: opening_days.set_week(self.ctx.staff, days, self.ui.nationalCheck.isChecked()),
                  "每周开放日已保存。")

    @one_at_a_time
    def set_day(self, state: str | None) -> None:
        day: dt.date = self.ui.dateEdit.date().toPython()
        done = {CLOSED: f"{day:%Y-%m-%d} 设为本站休息日。", OPEN: f"{day:%Y-%m-%d} 设为本站上班日。",
                None: f"{day:%Y-%m-%d} 恢复按国家安排和每周开放日。"}[state]
        self._run(lambda: opening_days.set_day(self.ctx.staff, day, state), done)
        if day.year != self.ui.yearSpin.value():
            self.ui.yearSpin.setValue(day.year)

    def _run(self, action, done: str) -> None:
        try:
            action()
        except DomainError as exc:
            show_message(self.ui.messageLabel, "error", exc.message)
            return
        show_message(self.ui.messageLabel, "ok", done)
        self.ctx.bus.data_changed.emit(Topic.SETTINGS)
        self.refresh()
