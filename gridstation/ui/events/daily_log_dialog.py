"""民情日志: the grid worker's own diary — listed by person, grid and dates, written at the counter for anyone
of the register (a clerk keys it in for a person without a login), made a grid event with one key, and a
month of it printed for a person or a grid."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
    QWidget,
)

from gridstation.core.events import diary_events, lists
from gridstation.core.grids import diary, diary_month, people, register
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import printouts
from gridstation.core.station.topics import Topic
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.feedback import show_message
from gridstation.ui.common.forms import Form
from gridstation.ui.common.keyboard import fit_to_screen, tab_chain
from gridstation.ui.common.printing import preview_written
from gridstation.ui.common.saving import one_at_a_time
from gridstation.ui.common.table_model import Column, PagedTableModel, setup_table
from gridstation.ui.events.people_choice import make_filterable
from gridstation.ui.intake.resident_picker import ResidentPicker

ALL = "全部"
CHOOSE = "（请选择）"
COLUMNS = (
    Column("日期", lambda e: f"{e.on:%Y-%m-%d}"),
    Column("人员", lambda e: e.person.name),
    Column("网格", lambda e: e.grid.name if e.grid_id else ""),
    Column("所见所闻", lambda e: e.seen.replace("\n", " ")),
    Column("涉及居民", lambda e: e.resident.name if e.resident_id else ""),
    Column("处理情况", lambda e: e.done.replace("\n", " ")),
    Column("转为事件", lambda e: e.event.number if e.event_id else ""),
)


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class DailyLogDialog(QDialog, Form):
    FORM = "daily_log_dialog.ui"
    personFilter: QComboBox
    gridFilter: QComboBox
    fromEdit: QDateEdit
    toEdit: QDateEdit
    printButton: QPushButton
    table: QTableView
    countLabel: QLabel
    writeBox: QGroupBox
    dayEdit: QDateEdit
    personCombo: QComboBox
    gridCombo: QComboBox
    seenEdit: QPlainTextEdit
    residentCaption: QLabel
    pickerHost: QWidget  # placeholder: the resident search (ResidentPicker)
    residentLabel: QLabel
    doneEdit: QPlainTextEdit
    categoryCombo: QComboBox
    saveButton: QPushButton
    eventButton: QPushButton
    messageLabel: QLabel
    closeButton: QPushButton  # not the default: Enter in a box must not close the diary

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.resident_id: int | None = None
        self.setWindowTitle("民情日志")
        self.setup_form()
        self.picker = Form.place(self.pickerHost, ResidentPicker(self))
        self.picker.results.setMaximumHeight(70)
        self.picker.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)  # no gaps in the form
        self.picker.chosen.connect(self._resident_chosen)
        self.picker.edit.textEdited.connect(lambda text: None if text.strip() else self._resident_chosen(None))
        self.residentCaption.setBuddy(self.picker.edit)
        self._fill_choices()
        today = clock.today()
        self.fromEdit.setDate(_qdate(today.replace(day=1)))
        self.toEdit.setDate(_qdate(today))
        self.dayEdit.setDate(_qdate(today))
        self.model = PagedTableModel(COLUMNS, self._fetch)
        setup_table(self.table, self.model)
        for signal in (self.personFilter.currentIndexChanged, self.gridFilter.currentIndexChanged,
                       self.fromEdit.dateChanged, self.toEdit.dateChanged):
            signal.connect(self.reload)
        self.personCombo.currentIndexChanged.connect(self._person_changed)
        for box in (self.personCombo, self.personFilter):  # typing shows the matches; Down never jumps to a neighbour
            make_filterable(box)
        self.saveButton.clicked.connect(self.save)
        self.eventButton.clicked.connect(self.make_event)
        self.printButton.clicked.connect(self.print_month)
        self.closeButton.clicked.connect(self.accept)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        QShortcut(QKeySequence("Ctrl+E"), self, activated=self.make_event)
        QShortcut(QKeySequence("Ctrl+P"), self, activated=self.print_month)
        tab_chain(self.dayEdit, self.personCombo, self.gridCombo, self.seenEdit, self.picker.edit,
                  self.picker.results, self.doneEdit, self.categoryCombo, self.saveButton, self.eventButton)
        self._person_changed()
        fit_to_screen(self, 1240, 680)
        self.reload()
        self.seenEdit.setFocus()

    def _fill_choices(self) -> None:
        """Anyone of the register may have an entry keyed in; the signed-in account's person comes first."""
        persons = diary_month.person_choices()
        grids = register.grid_choices()
        self.personFilter.addItem(ALL, None)
        self.personCombo.addItem(CHOOSE, None)  # never a stranger by default: Ctrl+S at once writes for no one
        self.gridFilter.addItem(ALL, None)
        for label, person_id in persons:
            self.personFilter.addItem(label, person_id)
            self.personCombo.addItem(label, person_id)
        for label, grid_id in grids:
            self.gridFilter.addItem(label, grid_id)
            self.gridCombo.addItem(label, grid_id)
        for category in lists.categories():
            self.categoryCombo.addItem(category.name)
        own = people.person_of_staff(self.ctx.staff) if self.ctx.staff is not None else None
        if own is not None:
            self.personCombo.setCurrentIndex(max(0, self.personCombo.findData(own.id)))

    def _person_changed(self, *_args: object) -> None:
        """The grid follows the person chosen: the one grid they serve, when just one."""
        person_id = self.personCombo.currentData()
        grid_id = diary_month.served_grid_id(person_id) if person_id is not None else None
        if grid_id is not None and self.gridCombo.findData(grid_id) >= 0:
            self.gridCombo.setCurrentIndex(self.gridCombo.findData(grid_id))

    def _resident_chosen(self, resident_id: int | None) -> None:
        self.resident_id = resident_id
        resident = m.row_or_none(m.Resident, resident_id) if resident_id is not None else None
        self.residentLabel.setText(f"涉及居民：{resident.name}" if resident is not None else "")

    def _range(self) -> tuple[dt.date, dt.date]:
        return self.fromEdit.date().toPython(), self.toEdit.date().toPython()

    def _fetch(self, offset: int, limit: int) -> list[m.DiaryEntry]:
        date_from, date_to = self._range()
        query = diary.entries(person_id=self.personFilter.currentData(), grid_id=self.gridFilter.currentData(),
                              date_from=date_from, date_to=date_to)
        return list(query.offset(offset).limit(limit))

    def reload(self, *_args: object) -> None:
        self.model.reload()
        turned = sum(1 for e in self.model.rows if e.event_id)
        more = "（已显示的）" if self.model.canFetchMore(self.table.rootIndex()) else ""
        self.countLabel.setText(f"共 {len(self.model.rows)} 条{more}，其中转为网格事件 {turned} 件。")

    def input(self) -> diary.DiaryInput:
        grid_id = self.gridCombo.currentData()
        return diary.DiaryInput(
            person_id=self.personCombo.currentData(), on=self.dayEdit.date().toPython(),
            seen=self.seenEdit.toPlainText(), grid=register.grid_label(register.get_grid(grid_id)) if grid_id else "",
            resident_id=self.resident_id, done=self.doneEdit.toPlainText())

    @one_at_a_time
    def save(self) -> m.DiaryEntry | None:
        if self.personCombo.currentData() is None:
            why = "请选择写日志的人员（输入姓名可查找）。" if self.personCombo.count() > 1 else "请先在网格登记中登记人员，再写民情日志。"
            show_message(self.messageLabel, "error", why, self.personCombo)
            return None
        try:
            entry = diary.write_entry(self.ctx.staff, self.input())
        except DomainError as exc:
            field = {"seen": self.seenEdit, "done": self.doneEdit, "grid": self.gridCombo,
                     "on": self.dayEdit}.get(exc.field or "", self.seenEdit)
            show_message(self.messageLabel, "error", exc.message, field)
            field.setFocus()
            return None
        self.ctx.bus.data_changed.emit(Topic.GRIDS)
        self.seenEdit.clear()
        self.doneEdit.clear()
        self.picker.edit.clear()
        self._resident_chosen(None)
        self.reload()
        self._select(entry.id)
        show_message(self.messageLabel, "ok",
                     f"已保存 {entry.person.name} {entry.on:%Y-%m-%d} 的民情日志；按 Ctrl+E 可转为网格事件。")
        self.seenEdit.setFocus()
        return entry

    def _select(self, entry_id: int) -> None:
        for row, entry in enumerate(self.model.rows):
            if entry.id == entry_id:
                self.table.selectRow(row)
                return

    def _chosen_entry(self) -> m.DiaryEntry | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    @one_at_a_time
    def make_event(self) -> m.GridEvent | None:
        """One key: the entry chosen in the list becomes a 巡查发现 event of its grid (core's diary service)."""
        entry = self._chosen_entry()
        if entry is None:
            show_message(self.messageLabel, "error", "请先在列表中选择一条民情日志。", self.table)
            self.table.setFocus()
            return None
        try:
            event = diary_events.make_event(self.ctx.staff, entry.id, self.categoryCombo.currentText())
        except DomainError as exc:
            show_message(self.messageLabel, "error", exc.message, self.categoryCombo)
            return None
        self.ctx.bus.data_changed.emit(Topic.EVENTS)
        self.ctx.bus.data_changed.emit(Topic.GRIDS)
        self.reload()
        show_message(self.messageLabel, "ok",
                     f"已转为网格事件 {event.number}，处置期限 {event.due_date:%Y-%m-%d}（在网格事件页输入编号可打开）。")
        return event

    def print_month(self) -> Path | None:
        """The month of the 从 date, for the person or grid chosen above the list."""
        person_id, grid_id = self.personFilter.currentData(), self.gridFilter.currentData()
        day = self.fromEdit.date().toPython()
        try:
            data = diary_month.month_of(day.year, day.month, person_id=person_id, grid_id=grid_id)
        except DomainError as exc:
            show_message(self.messageLabel, "error", exc.message, [self.personFilter, self.gridFilter])
            self.personFilter.setFocus()
            return None

        def write(path: Path) -> Path:
            # late import: ReportLab takes most of a second to load; it loads here, off the GUI thread
            from gridstation.reports.diary_month import render_month

            return render_month(data, path)

        ref = f"{day:%Y-%m} {data.whose}"
        return preview_written(self, self.ctx.staff, write, "diary", title=f"民情日志 {ref}",
                               document=printouts.DIARY_MONTH, ref=ref, dialog="正在生成民情日志……")
