"""The 网格事件 page: open, overdue and closed events and each worker's own list, with filters;
typing or scanning an event number opens it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QDateEdit, QLabel, QLineEdit, QPushButton, QTableView, QWidget

from gridstation.core.events import lists, queries, rules
from gridstation.core.events.numbering import looks_like_number
from gridstation.core.events.register import get_event
from gridstation.core.grids import choices
from gridstation.core.intake import residents
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.idcard import mask_phone
from gridstation.core.station import roles
from gridstation.core.station.topics import Topic
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.feedback import show_message
from gridstation.ui.common.forms import Form
from gridstation.ui.common.table_model import Column, PagedTableModel, setup_table
from gridstation.ui.events.daily_log_dialog import DailyLogDialog
from gridstation.ui.events.event_dialogs import EventDetailDialog, RegisterEventDialog
from gridstation.ui.events.event_lists_dialog import EventListsDialog

NO_DATE = QDate(2000, 1, 1)  # the date boxes' lowest value, shown as 不限


class EventsPageForm(Form):
    FORM = "events_page.ui"
    categoryCombo: QComboBox
    eventTable: QTableView
    fromDate: QDateEdit
    gridCombo: QComboBox
    listCombo: QComboBox
    listsButton: QPushButton
    logButton: QPushButton
    messageLabel: QLabel
    newButton: QPushButton
    numberEdit: QLineEdit
    openButton: QPushButton
    titleLabel: QLabel
    toDate: QDateEdit
    workerCombo: QComboBox


class EventsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ui = EventsPageForm.load(self)
        self._reporters: dict[int, m.EventParty] = {}
        for which in queries.LISTS:
            self.ui.listCombo.addItem(f"{which}事件" if which != queries.MINE else "我的在办", which)
        for box in (self.ui.fromDate, self.ui.toDate):
            box.setMinimumDate(NO_DATE)
            box.setSpecialValueText("不限")
            box.setDate(NO_DATE)
            box.dateChanged.connect(self.refresh)
        self._fill_filters()
        for combo in (self.ui.listCombo, self.ui.gridCombo, self.ui.workerCombo, self.ui.categoryCombo):
            combo.currentIndexChanged.connect(self.refresh)
        self.model = PagedTableModel(self._columns(), self._fetch, highlight=rules.is_overdue)
        setup_table(self.ui.eventTable, self.model)
        self.ui.eventTable.doubleClicked.connect(lambda _index: self.open_current())
        self.ui.numberEdit.returnPressed.connect(self.open_typed)
        self.ui.newButton.clicked.connect(self.register)
        self.ui.openButton.clicked.connect(self.open_current)
        self.ui.listsButton.clicked.connect(self.edit_lists)
        self.ui.listsButton.setVisible(roles.allows(ctx.staff, roles.HEAD))  # the service checks the role too
        self.ui.logButton.clicked.connect(self.open_log)
        QShortcut(QKeySequence("Ctrl+J"), self, self.open_log)
        QShortcut(QKeySequence("F4"), self, self.register)
        if self.ui.listsButton.isVisibleTo(self):
            QShortcut(QKeySequence("Ctrl+K"), self, self.edit_lists)
        QShortcut(QKeySequence("F2"), self, self.ui.numberEdit.setFocus)
        for keys in ("Return", "Enter"):  # on the list only: Enter in the number box opens the typed number
            shortcut = QShortcut(QKeySequence(keys), self.ui.eventTable, self.open_current)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        ctx.bus.data_changed.connect(lambda area: area in (Topic.EVENTS, Topic.SETTINGS) and self.refresh())
        self.ui.numberEdit.setFocus()

    def _fill_filters(self) -> None:
        self.ui.gridCombo.addItem("全部网格", None)
        for name, grid_id in residents.grid_choices():
            self.ui.gridCombo.addItem(name, grid_id)
        self.ui.workerCombo.addItem("全部人员", None)
        for person in choices.person_choices():  # the register's people: found by or assigned to them
            self.ui.workerCombo.addItem(person.label, person.person_id)
        self.ui.categoryCombo.addItem("全部类别", "")
        for category in lists.categories(include_inactive=True):
            self.ui.categoryCombo.addItem(category.name, category.name)

    def _columns(self) -> list[Column]:
        def reporter(e: m.GridEvent) -> str:
            p = self._reporters.get(e.id)
            return f"{p.name} {mask_phone(p.phone)}".strip() if p else ""

        def handler(e: m.GridEvent) -> str:
            return e.assigned_to.name if e.assigned_to_id else (e.partner.name if e.partner_id else "")

        return [Column("事件编号", lambda e: e.number), Column("类别", lambda e: e.category),
                Column("等级", lambda e: e.level), Column("状态", lambda e: e.status + ("·逾期" if rules.is_overdue(e) else "")),
                Column("网格", lambda e: e.grid.name if e.grid_id else ""), Column("地点", lambda e: e.place),
                Column("发现时间", lambda e: f"{e.found_at:%Y-%m-%d %H:%M}"), Column("处置期限", lambda e: f"{e.due_date:%Y-%m-%d}"),
                Column("处置方式", lambda e: e.route), Column("经办", handler), Column("反映人", reporter),
                Column("问题", lambda e: e.description[:40])]

    def _filter(self) -> queries.EventFilter:
        def day(box) -> dt.date | None:
            return None if box.date() == NO_DATE else box.date().toPython()

        return queries.EventFilter(which=self.ui.listCombo.currentData(), me_id=self.ctx.staff.id if self.ctx.staff else None,
                                   grid_id=self.ui.gridCombo.currentData(), worker_id=self.ui.workerCombo.currentData(),
                                   category=self.ui.categoryCombo.currentData() or "",
                                   date_from=day(self.ui.fromDate), date_to=day(self.ui.toDate))

    def _fetch(self, offset: int, limit: int) -> list[m.GridEvent]:
        rows = list(queries.query_events(self._filter()).offset(offset).limit(limit))
        self._reporters.update(queries.reporters([e.id for e in rows]))
        return rows

    def refresh(self, *_args: object) -> None:
        self._reporters.clear()
        self.model.reload()

    def register(self) -> RegisterEventDialog:
        dialog = RegisterEventDialog(self.ctx, self)
        dialog.accepted.connect(lambda: self._registered(dialog))
        dialog.open()
        return dialog

    def _registered(self, dialog: RegisterEventDialog) -> None:
        if dialog.saved is not None:
            show_message(self.ui.messageLabel, "ok",
                         f"已登记网格事件 {dialog.saved.number}，处置期限 {dialog.saved.due_date:%Y-%m-%d}。")
            self.ui.numberEdit.setText(dialog.saved.number)
            self.ui.numberEdit.setFocus()

    def open_log(self) -> DailyLogDialog:
        dialog = DailyLogDialog(self.ctx, self)
        dialog.open()
        return dialog

    def edit_lists(self) -> EventListsDialog:
        dialog = EventListsDialog(self.ctx, self)
        dialog.open()
        return dialog

    def open_typed(self) -> EventDetailDialog | None:
        text = self.ui.numberEdit.text().strip().upper()
        if not looks_like_number(text):
            show_message(self.ui.messageLabel, "error", "事件编号应为 SJ 加日期和至少 4 位序号，如 SJ202611300001。",
                         self.ui.numberEdit)
            return None
        return self.open_number(text)

    def open_current(self) -> EventDetailDialog | None:
        index = self.ui.eventTable.currentIndex()
        if not index.isValid():
            show_message(self.ui.messageLabel, "warn", "请先在列表中选中一件事件。")
            return None
        return self.open_number(self.model.row_at(index.row()).number)

    def open_number(self, number: str) -> EventDetailDialog | None:
        try:
            get_event(number)
        except DomainError as exc:
            show_message(self.ui.messageLabel, "error", exc.message)
            return None
        dialog = EventDetailDialog(self.ctx, number, self)
        dialog.finished.connect(lambda _code: self.refresh())
        dialog.open()
        return dialog
