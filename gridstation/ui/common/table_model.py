"""A table model that fetches rows in pages from a core query, so lists open at once at any size.

A reload keeps the clerk's place: the rows already loaded are fetched again, and the selected row,
the current cell and the row at the top of the view are found again by the record they show (a
save in another window must not throw away the overdue row being called about); a list read from
its first row stays at its first row, so an intake just saved shows at the top. A list whose query
can take over 100 ms at the README's scale is built with ``query``: the model then loads in the
background (``ui.background``) and shows the old rows until the new ones are in.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import peewee
from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from gridstation.ui.common.background import BackgroundOp

PAGE = 200
SIZE_BY_ROWS = 50
Fetch = Callable[[int, int], list[Any]]


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], object]
    sort: str = ""  # a sort key the page's query understands; empty: not sortable


def row_key(row: Any) -> object:
    """What a row stands for across reloads: the record it shows (a row object is new each time).
    A row type that is no model may say so itself with a ``record_key`` attribute."""
    key = getattr(row, "record_key", None)
    if key is not None:
        return key
    if isinstance(row, peewee.Model):
        return type(row), row.get_id()
    if dataclasses.is_dataclass(row):
        for field in dataclasses.fields(row):
            value = getattr(row, field.name)
            if isinstance(value, peewee.Model):
                return type(value), value.get_id()
    try:
        hash(row)
    except TypeError:
        return None
    return row


NEAR = 50  # a reload moves a row by the few records saved meanwhile: look there first


@dataclass
class _Place:
    """Where the clerk is in one view: the current row and column, the selected rows, the top row,
    each as (record key, row number before the reload)."""

    current: tuple[object, int]
    column: int
    selected: list[tuple[object, int]]
    top: tuple[object, int]

    @classmethod
    def of(cls, view: QAbstractItemView, model: PagedTableModel) -> _Place:
        def key_at(row: int) -> tuple[object, int]:
            return (row_key(model.rows[row]) if 0 <= row < len(model.rows) else None), row

        current = view.currentIndex()
        selection = view.selectionModel()
        selected = [key_at(i.row()) for i in selection.selectedRows()] if selection is not None else []
        top = view.rowAt(0) if isinstance(view, QTableView) else -1
        return cls(key_at(current.row()), max(current.column(), 0), selected, key_at(top))

    def restore(self, view: QAbstractItemView, model: PagedTableModel) -> None:
        selection = view.selectionModel()
        if selection is None:
            return
        current = _find(model.rows, *self.current)
        if current is not None:
            selection.setCurrentIndex(model.index(current, self.column), QItemSelectionModel.SelectionFlag.NoUpdate)
        for key, before in self.selected:
            row = current if (key, before) == self.current else _find(model.rows, key, before)
            if row is not None:
                selection.select(model.index(row, 0),
                                 QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
        if self.top[1] == 0:  # the list's head was in view: it stays so, and a new row at the top is seen
            view.scrollToTop()
            return
        top = _find(model.rows, *self.top)
        if top is not None:
            view.scrollTo(model.index(top, 0), QAbstractItemView.ScrollHint.PositionAtTop)


def _find(rows: list[Any], key: object, before: int) -> int | None:
    """The row showing ``key`` now: near where it was, else anywhere (a roster holds thousands)."""
    if key is None:
        return None
    near = range(max(before - NEAR, 0), min(before + NEAR, len(rows)))
    for number in itertools.chain(near, range(len(rows))):
        if row_key(rows[number]) == key:
            return number
    return None


class PagedTableModel(QAbstractTableModel):
    """``fetch(offset, limit)`` returns the next rows; Qt asks for more as the user scrolls.

    With ``query`` instead, the model loads off the GUI thread: ``query()`` is called on the GUI
    thread (it may read the page's filter widgets) and returns the fetch function, which must not
    touch a widget; the first rows are fetched in the background, later pages as the user scrolls.
    """

    loaded = Signal()  # after every reload, once the new rows are shown
    load_failed = Signal(str)  # a background load failed (Chinese); the old rows stay

    def __init__(self, columns: Sequence[Column], fetch: Fetch | None = None,
                 highlight: Callable[[Any], bool] | None = None, *, query: Callable[[], Fetch] | None = None) -> None:
        super().__init__()
        self.columns = list(columns)
        self._fetch: Fetch = fetch or (lambda _offset, _limit: [])
        self._query = query
        self._highlight = highlight
        self._loading: BackgroundOp | None = None
        self.views: list[QAbstractItemView] = []  # set by setup_table; their place survives a reload
        self.rows: list[Any] = []
        self._more = query is None
        self.order: tuple[str, bool] | None = None  # (sort key, descending), read by the fetch function
        if query is None:
            self.fetchMore(QModelIndex())
        else:
            self.reload()

    @property
    def loading(self) -> bool:
        """Whether a background load is still under way (the old rows are shown meanwhile)."""
        return self._loading is not None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting happens in the database, so it covers every row, not only those fetched so far."""
        key = self.columns[column].sort if 0 <= column < len(self.columns) else ""
        if not key:
            return
        self.order = (key, order == Qt.SortOrder.DescendingOrder)
        self.reload()

    def reload(self, fetch: Fetch | None = None) -> None:
        """Show the rows afresh, as many as were loaded, keeping each view's place."""
        wanted = max(len(self.rows), PAGE)
        if self._query is None:
            if fetch is not None:
                self._fetch = fetch
            self._show(self._fetch, self._fetch(0, wanted), wanted)
            return
        if self._loading is not None:
            self._loading.cancel()  # its answer is for a filter no longer shown
        fetch = self._query()
        op = BackgroundOp(self, lambda _progress, _cancelled: fetch(0, wanted),
                          done=lambda rows: self._loaded(op, fetch, rows, wanted),
                          failed=lambda text: self._failed(op, text), cancelled=lambda: None)
        self._loading = op
        op.start()

    def _loaded(self, op: BackgroundOp, fetch: Fetch, rows: list[Any], wanted: int) -> None:
        if op is self._loading:
            self._loading = None
            self._show(fetch, rows, wanted)

    def _failed(self, op: BackgroundOp, text: str) -> None:
        if op is self._loading:
            self._loading = None
            self.load_failed.emit(text)

    def _show(self, fetch: Fetch, rows: list[Any], wanted: int) -> None:
        places = [(view, _Place.of(view, self)) for view in self.views]
        self.beginResetModel()
        self._fetch = fetch
        self.rows = list(rows)
        self._more = len(self.rows) == wanted
        self.endResetModel()
        for view, place in places:
            place.restore(view, self)
        self.loaded.emit()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        return not parent.isValid() and self._more

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        if parent.isValid() or not self._more:
            return
        batch = self._fetch(len(self.rows), PAGE)
        self._more = len(batch) == PAGE
        if batch:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(batch) - 1)
            self.rows.extend(batch)
            self.endInsertRows()

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = self.columns[index.column()].value(row)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.ForegroundRole and self._highlight and self._highlight(row):
            return QBrush(QColor("#b3261e"))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title
        return None

    def row_at(self, row: int) -> Any:
        return self.rows[row]


def setup_table(table: QTableView, model: QAbstractItemModel | None = None) -> None:
    """Every list in the app reads the same way: whole rows, one at a time, read-only, no row numbers."""
    if model is not None:
        table.setModel(model)
        if isinstance(model, PagedTableModel):
            model.views.append(table)
            if model.parent() is None:  # the model, and a load it started, end with the list
                model.setParent(table)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # Columns fit the first rows, not a thousand: sizing reads every cell it measures (a roster
    # of thousands would cost a visible pause on every reload).
    header.setResizeContentsPrecision(SIZE_BY_ROWS)
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    table.verticalHeader().setVisible(False)
