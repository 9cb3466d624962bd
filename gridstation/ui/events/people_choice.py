"""Choosing a person of the register (or a partner unit) by typing part of a name: the events' dialogs
offer the register's people this way, shown with role and grid (王芳 · 专职网格员 · 第一网格).

The combo box is editable with a completer that filters on any part of the label; leaving the box (Tab,
Enter, Ctrl+S) settles the typed text on the first entry that contains it, so what is saved is always an
entry of the list, never free text.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter

from gridstation.core.events.lists import Handler
from gridstation.core.grids.choices import PersonChoice
from gridstation.core.rules.errors import DomainError

NOBODY = "（不指定）"


def make_filterable(combo: QComboBox) -> None:
    """Typing filters the list on any part of an entry; nothing typed is added to it."""
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = combo.completer()
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.lineEdit().editingFinished.connect(lambda: settle(combo))


def fill_people(combo: QComboBox, people: Sequence[PersonChoice], *, blank: str = NOBODY) -> None:
    """The people as entries (their id as data), after a blank entry when ``blank`` is given."""
    combo.clear()
    if blank:
        combo.addItem(blank, None)
    for person in people:
        combo.addItem(person.label, ("person", person.person_id))


def fill_handlers(combo: QComboBox, handlers: Sequence[Handler]) -> None:
    """The one list of people and partner units an event is handed to."""
    combo.clear()
    for handler in handlers:
        combo.addItem(handler.label, ("person", handler.person_id) if handler.person_id else ("partner", handler.unit))


def select_person(combo: QComboBox, person_id: int | None) -> None:
    """The person's entry (the blank one for None). ``findData`` cannot compare the (kind, id) pairs."""
    wanted = ("person", person_id)
    index = next((i for i in range(combo.count()) if person_id is not None and combo.itemData(i) == wanted), 0)
    combo.setCurrentIndex(index)


def settle(combo: QComboBox) -> int:
    """The entry the typed text names: the whole label, else the first containing it; -1 when none."""
    text = combo.currentText().strip()
    index = combo.findText(text, Qt.MatchFlag.MatchFixedString)
    if index < 0 and text:
        index = next((i for i in range(combo.count()) if text.lower() in combo.itemText(i).lower()), -1)
    if index >= 0 and index != combo.currentIndex():
        combo.setCurrentIndex(index)
    if index >= 0:
        combo.setEditText(combo.itemText(index))
    return index


def chosen(combo: QComboBox, what: str, field: str) -> tuple[str, object] | None:
    """The entry's data once the typed text is settled (None for the blank entry, or nothing typed); a text
    naming no entry is refused in Chinese."""
    if not combo.currentText().strip() or combo.currentText() == NOBODY:
        combo.setCurrentIndex(max(combo.findData(None), 0))
        return combo.currentData()
    if settle(combo) < 0:
        raise DomainError(f"没有“{combo.currentText().strip()}”这个{what}，请从列表中选择。", field=field)
    return combo.currentData()
