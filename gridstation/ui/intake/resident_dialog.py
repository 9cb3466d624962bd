"""Register or edit a resident. The ID number is checked as it is typed and fills birth date and gender."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from gridstation.core.grids import places, register
from gridstation.core.intake import residents
from gridstation.core.residents import status
from gridstation.core.rules import clock, idcard
from gridstation.core.rules.errors import DomainError
from gridstation.core.station.roles import HEAD, allows
from gridstation.core.station.topics import Topic
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.feedback import ask_before_discarding, show_message
from gridstation.ui.common.forms import Form
from gridstation.ui.common.keyboard import fit_to_screen
from gridstation.ui.common.saving import one_at_a_time
from gridstation.ui.intake.grid_line import keepers_text


class ResidentDialogForm(Form):
    FORM = "resident_dialog.ui"
    ageLabel: QLabel
    birthEdit: QDateEdit
    buildingEdit: QLineEdit
    cancelButton: QPushButton
    compoundEdit: QLineEdit
    docEdit: QLineEdit
    docMessage: QLabel
    docTypeCombo: QComboBox
    genderCombo: QComboBox
    gridCombo: QComboBox  # chooses, never creates
    gridNote: QLabel
    messageLabel: QLabel
    nameEdit: QLineEdit
    notesEdit: QPlainTextEdit
    pensionerCheck: QCheckBox
    phoneEdit: QLineEdit
    roomEdit: QLineEdit
    saveButton: QPushButton
    unitEdit: QLineEdit
    statusCaption: QLabel
    statusCombo: QComboBox
    statusDateEdit: QDateEdit
    movedToEdit: QLineEdit
    statusButton: QPushButton
    statusLabel: QLabel


class ResidentDialog(QDialog):
    """``known_resident`` fires when the typed number belongs to someone already registered."""

    known_resident = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, resident: m.Resident | None = None,
                 doc_number: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.resident = resident
        self.saved: m.Resident | None = None
        self.setWindowTitle("居民档案" if resident else "新增居民")
        self.ui = ResidentDialogForm.load(self)
        self.ui.docTypeCombo.addItems(list(idcard.DOC_TYPES))
        self.ui.genderCombo.addItems(["", "男", "女"])
        self._placed = False  # whether the grid shown came from the address
        self.ui.gridCombo.addItem("", None)
        for label, grid_id in residents.grid_choices():
            self.ui.gridCombo.addItem(label, grid_id)
        for edit in (self.ui.compoundEdit, self.ui.buildingEdit, self.ui.unitEdit):
            edit.textChanged.connect(self._address_changed)
        self.ui.gridCombo.currentIndexChanged.connect(self._address_changed)  # whom to call follows the grid
        self.ui.birthEdit.setDate(QDate(1970, 1, 1))
        self.ui.docEdit.textChanged.connect(self._doc_changed)
        self.ui.docTypeCombo.currentTextChanged.connect(lambda _t: self._doc_changed(self.ui.docEdit.text()))
        for edit in (self.ui.docEdit, self.ui.nameEdit, self.ui.phoneEdit):  # a refusal goes with the typing it was about
            edit.textEdited.connect(lambda _text: self.ui.messageLabel.setText(""))
        self.ui.saveButton.clicked.connect(self.save)
        self.ui.cancelButton.clicked.connect(self.reject)
        self.ui.saveButton.setDefault(True)  # Enter saves (a refusal shows the field); it never cancels the typing
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        self._setup_status()
        if resident is not None:
            self._load(resident)
        else:
            self.ui.docEdit.setText(doc_number)
        self._address_changed()
        self._as_opened = self.input()  # Esc asks before it throws away anything typed since
        fit_to_screen(self, 600, 540)
        self.ui.docEdit.setFocus()
        self.ui.docEdit.selectAll()  # a card read or one typed number replaces it

    def reject(self) -> None:
        """Esc, 取消 or the window's close: with something typed, ask first."""
        if self.input() == self._as_opened:
            super().reject()
        else:
            ask_before_discarding(self, super().reject)

    def leave(self) -> None:
        """Close without asking: the number typed belongs to a registered resident, whose record the host opens."""
        self.done(QDialog.DialogCode.Rejected)

    def _load(self, r: m.Resident) -> None:
        self.ui.docTypeCombo.setCurrentText(r.doc_type)
        self.ui.docEdit.setText(r.doc_number)
        self.ui.nameEdit.setText(r.name)
        self.ui.genderCombo.setCurrentText(r.gender)
        if r.birth_date:
            self.ui.birthEdit.setDate(QDate(r.birth_date.year, r.birth_date.month, r.birth_date.day))
        self.ui.phoneEdit.setText(r.phone)
        self.ui.compoundEdit.setText(r.compound)
        self.ui.buildingEdit.setText(r.building)
        self.ui.unitEdit.setText(r.unit)
        self.ui.roomEdit.setText(r.room)
        self._choose_grid(r.grid)
        self._show_status(r)
        self.ui.pensionerCheck.setChecked(r.is_pensioner)
        self.ui.notesEdit.setPlainText(r.notes)

    def _choose_grid(self, grid: m.Grid | None) -> None:
        """Show ``grid`` in the box; a grid since closed that the resident still has is listed for them alone."""
        if grid is None:
            self.ui.gridCombo.setCurrentIndex(0)
            return
        if self.ui.gridCombo.findData(grid.id) < 0:
            self.ui.gridCombo.addItem(register.grid_label(grid), grid.id)
        self.ui.gridCombo.setCurrentIndex(self.ui.gridCombo.findData(grid.id))

    def _grid_text(self) -> str:
        """The grid chosen as core finds it (its code where it has one: a name may repeat)."""
        grid_id = self.ui.gridCombo.currentData()
        return register.grid_label(register.get_grid(grid_id)) if grid_id is not None else ""

    def _address_changed(self, *_args: object) -> None:
        """An address a building of the register matches places the resident in its grid without anyone
        choosing; only an address no building matches leaves the box to the clerk."""
        grid = places.grid_for_address(self.ui.compoundEdit.text(), self.ui.buildingEdit.text(),
                                       self.ui.unitEdit.text())
        self.ui.gridCombo.setEnabled(grid is None)
        if grid is not None:
            self._placed = True
            self._choose_grid(grid)
            self.ui.gridNote.setText(f"按地址属于 {register.grid_label(grid)}　{keepers_text(grid)}")
            return
        if self._placed:  # the address no longer matches: the grid it gave is not the clerk's choice
            self._placed = False
            self.ui.gridCombo.setCurrentIndex(0)
        chosen = self.ui.gridCombo.currentData()
        if chosen is not None:
            self.ui.gridNote.setText(keepers_text(register.get_grid(chosen)))
        else:
            self.ui.gridNote.setText("地址未对应已登记的楼栋，请选择网格" if self.ui.buildingEdit.text().strip() else "")

    def _setup_status(self) -> None:
        """在册 / 迁出 / 死亡 for a resident on file: a clerk records a move or a death, the head alone puts a
        resident back on the register (core checks it again)."""
        shown = self.resident is not None
        for widget in (self.ui.statusCaption, self.ui.statusCombo, self.ui.statusDateEdit, self.ui.movedToEdit,
                       self.ui.statusButton, self.ui.statusLabel):
            widget.setVisible(shown)
        self.ui.statusCombo.addItems([s for s in status.STATUSES if s != status.PRESENT or allows(self.ctx.staff, HEAD)])
        today = clock.today()
        self.ui.statusDateEdit.setDate(QDate(today.year, today.month, today.day))
        self.ui.statusCombo.currentTextChanged.connect(self._status_choice_changed)
        self.ui.statusButton.clicked.connect(self.change_status)
        QShortcut(QKeySequence("Ctrl+T"), self, activated=self.change_status)
        self._status_choice_changed(self.ui.statusCombo.currentText())

    def _status_choice_changed(self, choice: str) -> None:
        self.ui.statusDateEdit.setEnabled(choice != status.PRESENT)
        self.ui.movedToEdit.setEnabled(choice == status.MOVED_OUT)

    def _show_status(self, r: m.Resident) -> None:
        self.ui.statusLabel.setText(f"现状：{status.describe(r)}")

    @one_at_a_time
    def change_status(self) -> m.Resident | None:
        """Record the status chosen now (its own audit entry), apart from the record's other fields."""
        if self.resident is None:
            return None
        try:
            changed = status.change_status(self.ctx.staff, self.resident.id, self.ui.statusCombo.currentText(),
                                           on=self.ui.statusDateEdit.date().toPython(),
                                           moved_to=self.ui.movedToEdit.text())
        except DomainError as exc:
            field = {"moved_to": self.ui.movedToEdit, "status_on": self.ui.statusDateEdit}.get(exc.field or "",
                                                                                               self.ui.statusCombo)
            show_message(self.ui.messageLabel, "error", exc.message, field)
            field.setFocus()
            return None
        self.resident = changed
        self._show_status(changed)
        show_message(self.ui.messageLabel, "ok", f"已变更状态：{status.describe(changed)}。")
        self.ctx.bus.data_changed.emit(Topic.RESIDENT)
        return changed

    def _is_mainland(self) -> bool:
        return self.ui.docTypeCombo.currentText() == idcard.MAINLAND_ID

    def _doc_changed(self, text: str) -> None:
        """Check at once: a wrong check character is refused while the resident is still at the counter."""
        mainland = self._is_mainland()
        self.ui.genderCombo.setEnabled(not mainland)
        self.ui.birthEdit.setEnabled(not mainland)
        number = idcard.normalise(text)
        if not mainland or not number:
            show_message(self.ui.docMessage, "warn", "")
            return
        if len(number) < 18:
            show_message(self.ui.docMessage, "warn", f"已输入{len(number)}位，共18位")
            return
        try:
            info = idcard.check_id(number)
        except DomainError as exc:
            show_message(self.ui.docMessage, "error", exc.message)
            return
        self.ui.genderCombo.setCurrentText(info.gender)
        self.ui.birthEdit.setDate(QDate(info.birth_date.year, info.birth_date.month, info.birth_date.day))
        self.ui.ageLabel.setText(f"{info.age()}岁")
        known = residents.find_by_document(number)
        if known is not None and (self.resident is None or known.id != self.resident.id):
            show_message(self.ui.docMessage, "warn", f"该号码已登记为居民“{known.name}”，将打开其档案。")
            self.known_resident.emit(known.id)
            return
        show_message(self.ui.docMessage, "warn" if info.region_warning else "ok",
                  info.region_warning or f"校验通过：{info.gender}，{info.birth_date:%Y-%m-%d}出生，{info.age()}岁")

    def input(self) -> residents.ResidentInput:
        birth = self.ui.birthEdit.date()
        return residents.ResidentInput(
            name=self.ui.nameEdit.text(), doc_number=self.ui.docEdit.text(),
            doc_type=self.ui.docTypeCombo.currentText(), phone=self.ui.phoneEdit.text(),
            gender=self.ui.genderCombo.currentText(),
            birth_date=None if self._is_mainland() else dt.date(birth.year(), birth.month(), birth.day()),
            compound=self.ui.compoundEdit.text(), building=self.ui.buildingEdit.text(),
            unit=self.ui.unitEdit.text(), room=self.ui.roomEdit.text(), grid=self._grid_text(),
            is_pensioner=self.ui.pensionerCheck.isChecked(), notes=self.ui.notesEdit.toPlainText(),
        )

    @one_at_a_time
    def save(self) -> None:
        try:
            self.saved = residents.save_resident(self.ctx.staff, self.input(),
                                                 self.resident.id if self.resident else None)
        except DomainError as exc:
            field = {"doc_number": self.ui.docEdit, "name": self.ui.nameEdit, "phone": self.ui.phoneEdit,
                     "grid": self.ui.gridCombo}.get(exc.field or "")
            show_message(self.ui.messageLabel, "error", exc.message, field)
            if field is not None:
                field.setFocus()
                if isinstance(field, QLineEdit):
                    field.selectAll()
            return
        self.ctx.bus.data_changed.emit(Topic.RESIDENT)
        self.accept()
