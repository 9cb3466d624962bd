"""A table model that fetches rows in pages from a core query, so lists open at once at any size."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

PAGE = 200


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], object]
    sort: str = ""  # a sort key the page's query understands; empty: not sortable


class PagedTableModel(QAbstractTableModel):
    """``fetch(offset, limit)`` returns the next rows; Qt asks for more as the user scrolls."""

    def __init__(self, columns: Sequence[Column], fetch: Callable[[int, int], list[Any]],
                 highlight: Callable[[Any], bool] | None = None) -> None:
        super().__init__()
        self.columns = list(columns)
        self._fetch = fetch
        self._highlight = highlight
        self.rows: list[Any] = []
        self._more = True
        self.order: tuple[str, bool] | None = None  # (sort key, descending), read by the fetch function
        self.fetchMore(QModelIndex())

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting happens in the database, so it covers every row, not only those fetched so far."""
        key = self.columns[column].sort if 0 <= column < len(self.columns) else ""
        if not key:
            return
        self.order = (key, order == Qt.SortOrder.DescendingOrder)
        self.reload()

    def reload(self, fetch: Callable[[int, int], list[Any]] | None = None) -> None:
        self.beginResetModel()
        if fetch is not None:
            self._fetch = fetch
        self.rows = []
        self._more = True
        self.endResetModel()
        self.fetchMore(QModelIndex())

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


def setup_table(table: QTableView, model: PagedTableModel | None = None) -> None:
    """Every list in the app reads the same way: whole rows, one at a time, read-only, no row numbers."""
    if model is not None:
        table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    table.verticalHeader().setVisible(False)
