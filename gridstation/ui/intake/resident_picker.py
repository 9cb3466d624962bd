"""The one search box for residents: ID number, last digits, phone, name or pinyin initials."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QWidget

from gridstation.core.intake import residents
from gridstation.core.residents import status
from gridstation.core.rules import idcard
from gridstation.core.rules.errors import DomainError
from gridstation.core.storage import models as m
from gridstation.ui.common.feedback import show_message
from gridstation.ui.common.forms import Form


def resident_line(r: m.Resident) -> str:
    phone = idcard.mask_phone(r.phone) if r.phone else "无电话"
    gone = "" if r.status == status.PRESENT else f"　【{status.describe(r)}】"
    return f"{r.name}{gone}　{idcard.mask_id(r.doc_number)}　{phone}　{residents.address(r)}"


class ResidentPickerForm(Form):
    FORM = "resident_picker.ui"
    residentSearchEdit: QLineEdit
    residentNote: QLabel
    residentResults: QListWidget


class ResidentPicker(QWidget):
    """``chosen`` gives a resident id; ``register_requested`` a valid ID number nobody has yet;
    ``nobody`` a search (Enter) that found no one, so the page drops whoever was chosen before
    and an intake is never filed under the previous resident.

    A card reader or scanner types the full number and Enter: that opens the resident directly.
    """

    chosen = Signal(int)
    register_requested = Signal(str)
    nobody = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ResidentPickerForm.load(self)
        # The names the pages and dialogs that hold a picker use.
        self.edit, self.note, self.results = self.ui.residentSearchEdit, self.ui.residentNote, self.ui.residentResults
        self.note.hide()
        self._timer = QTimer(self, singleShot=True, interval=120)
        self._timer.timeout.connect(self.search_now)
        self.edit.textChanged.connect(lambda _t: (self._timer.start(), self.note.hide()))
        self.edit.returnPressed.connect(self._enter)
        self.results.itemActivated.connect(lambda item: self.chosen.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.edit.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.edit and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down:
            if self.results.count():
                self._to_results()
                return True
        return super().eventFilter(watched, event)

    def search_now(self) -> list[m.Resident]:
        self._timer.stop()
        found = residents.search(self.edit.text())
        self.results.clear()
        for r in found:
            item = QListWidgetItem(resident_line(r))
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            self.results.addItem(item)
        return found

    def _enter(self) -> None:
        found = self.search_now()
        text = idcard.normalise(self.edit.text())
        self.note.hide()
        if len(found) == 1:
            self.chosen.emit(found[0].id)
            return
        if found:  # several: Enter again chooses the first, or ↓ then Enter another
            self._to_results()
            return
        if len(text) == 18:
            try:
                idcard.check_id(text)
            except DomainError as exc:
                self._found_nobody(exc.message)
                return
            self.register_requested.emit(text)
            return
        self._found_nobody(f"没有找到“{self.edit.text().strip()}”对应的居民。" if text else "请输入要查找的居民。")

    def _to_results(self) -> None:
        self.results.setFocus()
        self.results.setCurrentRow(0)

    def _found_nobody(self, why: str) -> None:
        show_message(self.note, "error", why)
        self.note.show()
        self.nobody.emit()
        self.edit.selectAll()

    def focus_search(self) -> None:
        self.edit.setFocus()
        self.edit.selectAll()
