"""事件类别与协作单位: the head edits the station's category list (limits in working days, photo
after, mediation) and the partners events are assigned to. The rules are core/events/lists.py's."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from gridstation.core.events import lists
from gridstation.core.rules.errors import DomainError
from gridstation.core.station.topics import Topic
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.feedback import show_message
from gridstation.ui.common.forms import Form
from gridstation.ui.common.saving import one_at_a_time
from gridstation.ui.events.event_dialogs import no_default_button


def _yes(flag: bool) -> str:
    return "是" if flag else ""


class EventListsDialog(QDialog, Form):
    """Ctrl+S saves the category typed (a new name adds one); Ctrl+D saves the partner typed."""

    FORM = "event_lists_dialog.ui"
    categoryTable: QTableWidget
    nameEdit: QLineEdit
    normalSpin: QSpinBox
    urgentSpin: QSpinBox
    photoCheck: QCheckBox
    mediationCheck: QCheckBox
    activeCheck: QCheckBox
    saveCategoryButton: QPushButton
    partnerTable: QTableWidget
    partnerEdit: QLineEdit
    partnerActive: QCheckBox
    savePartnerButton: QPushButton
    messageLabel: QLabel

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("事件类别与协作单位")
        self.setup_form()
        self.categoryTable.currentCellChanged.connect(lambda row, *_: self._pick(row))
        for spin in (self.normalSpin, self.urgentSpin):
            spin.setRange(1, lists.MAX_DAYS)
        self.saveCategoryButton.clicked.connect(self.save_category)
        self.savePartnerButton.clicked.connect(self.save_partner)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save_category)
        QShortcut(QKeySequence("Ctrl+D"), self, self.save_partner)
        no_default_button(self)
        self.resize(980, 560)
        self.reload()
        self.nameEdit.setFocus()

    def reload(self) -> None:
        self.categories = lists.categories(include_inactive=True)
        self.categoryTable.setRowCount(len(self.categories))
        for r, c in enumerate(self.categories):
            for col, value in enumerate((c.name, "一个月" if c.mediation else str(c.normal_days),
                                         str(c.urgent_days), _yes(c.after_photo), _yes(c.mediation), _yes(c.active))):
                self.categoryTable.setItem(r, col, QTableWidgetItem(value))
        self.categoryTable.resizeColumnsToContents()
        partners = lists.partners(include_inactive=True)
        self.partnerTable.setRowCount(len(partners))
        for r, p in enumerate(partners):
            self.partnerTable.setItem(r, 0, QTableWidgetItem(p.name))
            self.partnerTable.setItem(r, 1, QTableWidgetItem(_yes(p.active)))

    def _pick(self, row: int) -> None:
        """Choosing a category in the table fills the form, to change it."""
        if 0 <= row < len(self.categories):
            c = self.categories[row]
            self.nameEdit.setText(c.name)
            self.normalSpin.setValue(c.normal_days)
            self.urgentSpin.setValue(c.urgent_days)
            self.photoCheck.setChecked(c.after_photo)
            self.mediationCheck.setChecked(c.mediation)
            self.activeCheck.setChecked(c.active)

    @one_at_a_time
    def save_category(self) -> None:
        try:
            saved = lists.save_category(self.ctx.staff, self.nameEdit.text(), self.normalSpin.value(),
                                        self.urgentSpin.value(), after_photo=self.photoCheck.isChecked(),
                                        mediation=self.mediationCheck.isChecked(), active=self.activeCheck.isChecked())
        except DomainError as exc:
            named = {"name": self.nameEdit, "normal_days": [self.normalSpin, self.urgentSpin]}.get(exc.field or "")
            show_message(self.messageLabel, "error", exc.message, named)
            return
        self.ctx.bus.data_changed.emit(Topic.EVENTS)
        show_message(self.messageLabel, "ok", f"已保存事件类别“{saved.name}”。")
        self.reload()

    @one_at_a_time
    def save_partner(self) -> None:
        try:
            saved = lists.save_partner(self.ctx.staff, self.partnerEdit.text(), active=self.partnerActive.isChecked())
        except DomainError as exc:
            show_message(self.messageLabel, "error", exc.message, self.partnerEdit if exc.field == "name" else None)
            return
        self.ctx.bus.data_changed.emit(Topic.EVENTS)
        show_message(self.messageLabel, "ok", f"已保存协作单位“{saved.name}”。")
        self.partnerEdit.clear()
        self.reload()
