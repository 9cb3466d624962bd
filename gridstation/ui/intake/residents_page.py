"""居民: the register of residents, their details and their intakes.

Phones are masked in the list, as on every list of people (the roster, the overdue list): a screen
faces the counter and residents stand at it. 查看电话 shows the chosen resident's number and is audited.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QGroupBox, QLabel, QLineEdit, QPushButton, QTableView, QWidget

from gridstation.core.intake import intakes, residents
from gridstation.core.residents import status
from gridstation.core.rules import idcard
from gridstation.core.rules.errors import DomainError
from gridstation.core.station.topics import Topic
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.forms import Form
from gridstation.ui.common.keyboard import button_keys
from gridstation.ui.common.table_model import Column, PagedTableModel, setup_table
from gridstation.ui.intake.intake_page import intake_columns, is_overdue_now

RESIDENT_COLUMNS = [
    Column("姓名", lambda r: r.name),
    Column("性别", lambda r: r.gender),
    Column("证件号码", lambda r: idcard.mask_id(r.doc_number)),
    Column("联系电话", lambda r: idcard.mask_phone(r.phone)),
    Column("住址", residents.address),
    Column("网格", lambda r: r.grid.name if r.grid_id else ""),
    Column("养老金领取", lambda r: "是" if r.is_pensioner else ""),
    Column("状态", lambda r: "" if r.status == status.PRESENT else status.describe(r)),
]


class ResidentsPageForm(Form):
    FORM = "residents_page.ui"
    countLabel: QLabel
    editButton: QPushButton
    exportButton: QPushButton
    importButton: QPushButton
    intakeGroup: QGroupBox
    intakeTable: QTableView
    newButton: QPushButton
    residentTable: QTableView
    revealPhoneButton: QPushButton
    searchEdit: QLineEdit
    titleLabel: QLabel


class ResidentsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ui = ResidentsPageForm.load(self)
        self.model = PagedTableModel(RESIDENT_COLUMNS, self._fetch)
        setup_table(self.ui.residentTable, self.model)
        self.intake_model = PagedTableModel(intake_columns(), self._fetch_intakes, highlight=is_overdue_now)
        setup_table(self.ui.intakeTable, self.intake_model)
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.refresh)
        self.ui.searchEdit.textChanged.connect(lambda _t: self._timer.start())
        self.ui.searchEdit.returnPressed.connect(self._enter)
        self.ui.newButton.clicked.connect(lambda: self.new_resident())  # clicked(bool) is no document number
        self.ui.editButton.clicked.connect(self.edit_current)
        self.ui.importButton.clicked.connect(self.open_import)
        self.ui.revealPhoneButton.clicked.connect(self.reveal_phone)
        self.ui.exportButton.clicked.connect(lambda: self.export_list())
        button_keys((self.ui.importButton, "Ctrl+I"), (self.ui.exportButton, "Ctrl+E"))
        self.ui.residentTable.doubleClicked.connect(lambda _i: self.edit_current())
        self.ui.residentTable.selectionModel().currentRowChanged.connect(lambda *_: self.intake_model.reload())
        QShortcut(QKeySequence("F2"), self, activated=self.focus_start, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("F4"), self, activated=self.new_resident,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Ctrl+D"), self, activated=self.reveal_phone,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.ui.residentTable, activated=self.edit_current,
                  context=Qt.ShortcutContext.WidgetShortcut)
        # a hidden page reloads when it is shown
        ctx.bus.data_changed.connect(lambda area: area == Topic.RESIDENT and self.isVisible() and self.refresh())

    def focus_start(self) -> None:
        self.ui.searchEdit.setFocus()
        self.ui.searchEdit.selectAll()

    def _fetch(self, offset: int, limit: int) -> list[m.Resident]:
        text = self.ui.searchEdit.text().strip()
        if text:
            return residents.search(text, limit=200) if offset == 0 else []
        return list(m.Resident.select().order_by(m.Resident.id.desc()).offset(offset).limit(limit))

    def _fetch_intakes(self, offset: int, limit: int) -> list[m.Intake]:
        resident = self.current()
        if resident is None:
            return []
        flt = intakes.IntakeFilter(resident_id=resident.id)
        return list(intakes.query_intakes(flt).offset(offset).limit(limit))

    def current(self) -> m.Resident | None:
        index = self.ui.residentTable.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def refresh(self) -> None:
        self.model.reload()
        if self.model.rowCount() and not self.ui.residentTable.currentIndex().isValid():
            self.ui.residentTable.selectRow(0)
        self.intake_model.reload()
        total = m.Resident.select().count()
        self.ui.countLabel.setText(f"共登记居民 {total} 人；当前显示 {self.model.rowCount()} 人")

    def reveal_phone(self) -> None:
        """The chosen resident's full phone number, in the count line; each look is audited."""
        resident = self.current()
        if resident is None:
            self.ctx.bus.status_message.emit("请先在列表中选择一位居民。")
            return
        try:
            phone = residents.reveal_phone(self.ctx.staff, resident.id, why={"list": "居民"})
        except DomainError as exc:
            self.ctx.bus.status_message.emit(exc.message)
            return
        self.ui.countLabel.setText(f"{resident.name}：{phone or '未登记电话'}")

    def open_import(self):
        """The ledger import wizard (residents, intakes, tools or loans from Excel or CSV)."""
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.ui.ledgers.import_wizard import open_import_wizard

        return open_import_wizard(self.ctx, self)

    def export_list(self, path: Path | None = None) -> Path | None:
        """The residents found by the search box, or everyone when it is empty."""
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.ui.common.exporting import export_list

        source = self.model.rows if self.ui.searchEdit.text().strip() else None
        return export_list(self, self.ctx, "residents", source, "居民名单", path)

    def _enter(self) -> None:
        self.refresh()
        if self.model.rowCount() == 1:
            self.edit_current()
        elif self.model.rowCount() > 1:  # several: ↑↓ to the one meant, Enter opens it
            self.ui.residentTable.setFocus()
        elif self.model.rowCount() == 0 and len(idcard.normalise(self.ui.searchEdit.text())) == 18:
            self.new_resident(idcard.normalise(self.ui.searchEdit.text()))

    def new_resident(self, doc_number: str = ""):
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.ui.intake.resident_dialog import ResidentDialog

        dialog = ResidentDialog(self.ctx, self, doc_number=doc_number)
        dialog.known_resident.connect(lambda rid: (dialog.leave(), self._open(residents.get_resident(rid))))
        dialog.accepted.connect(lambda: dialog.saved is not None and self.ui.searchEdit.setText(dialog.saved.doc_number))
        dialog.open()
        return dialog

    def edit_current(self):
        resident = self.current()
        return self._open(resident) if resident is not None else None

    def _open(self, resident: m.Resident):
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.ui.intake.resident_dialog import ResidentDialog

        dialog = ResidentDialog(self.ctx, self, resident=resident)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        return dialog
