"""The fields of a service, built from the catalogue so a station's own services need no code."""

from __future__ import annotations

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QFormLayout, QLineEdit, QWidget

from gridstation.core.rules import clock
from gridstation.core.station import catalog
from gridstation.core.storage import models as m
from gridstation.ui.common.keyboard import one_tab_stop, tab_chain

_PLACEHOLDER = {"money": "金额（元），如 1234.50", "number": "整数", "uscc": "18位统一社会信用代码"}


class ServiceFieldsForm(QWidget):
    changed = Signal()  # staff changed a field: a refusal about it no longer applies

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.widgets: dict[str, QWidget] = {}
        self.defs: list[catalog.FieldDef] = []

    def set_service(self, service: m.ServiceType | None, stage: str = "intake") -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.widgets = {}
        self.defs = [f for f in catalog.fields_of(service) if f.stage == stage] if service else []
        for fdef in self.defs:
            widget = self._widget_for(fdef)
            widget.setObjectName(f"field_{fdef.key}")
            self._watch(widget)
            self.widgets[fdef.key] = widget
            self.form.addRow(f"{fdef.label}{' *' if fdef.required else ''}", widget)

    def chain_tab_order(self, before: QWidget, *after: QWidget) -> None:
        """Tab follows the eye: ``before`` → this service's fields top to bottom → ``after`` in order.

        The fields are created after the rest of the form, so Qt would otherwise visit them last; one
        chain set in order, because each ``setTabOrder`` moves its second widget.
        """
        tab_chain(before, *self.widgets.values(), *after)

    def _widget_for(self, fdef: catalog.FieldDef) -> QWidget:
        if fdef.type == "choice":
            combo = QComboBox(self)
            combo.addItems(["", *fdef.choices])
            return combo
        if fdef.type == "bool":
            return QCheckBox("是", self)
        if fdef.type == "date":
            edit = QDateEdit(self)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setCalendarPopup(True)
            edit.setDate(QDate(clock.today()))
            one_tab_stop(edit)
            return edit
        edit = QLineEdit(self)
        edit.setPlaceholderText(_PLACEHOLDER.get(fdef.type, ""))
        return edit

    def _watch(self, widget: QWidget) -> None:
        if isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self.changed)
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(self.changed)
        elif isinstance(widget, QDateEdit):
            widget.dateChanged.connect(self.changed)
        else:
            widget.textEdited.connect(self.changed)

    def values(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for key, widget in self.widgets.items():
            if isinstance(widget, QComboBox):
                out[key] = widget.currentText()
            elif isinstance(widget, QCheckBox):
                out[key] = widget.isChecked()
            elif isinstance(widget, QDateEdit):
                out[key] = widget.date().toString("yyyy-MM-dd")
            else:
                out[key] = widget.text()
        return out

    def set_value(self, key: str, value: object) -> None:
        widget = self.widgets[key]
        if isinstance(widget, QComboBox):
            widget.setCurrentText(str(value))
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QLineEdit):
            widget.setText(str(value))

    def focus_field(self, key: str | None, around: dict[str, QWidget] | None = None) -> QWidget | None:
        """The cursor to the field a refusal names: one of this service's, or of ``around`` (the form's own);
        that field, or None."""
        widget = (around or {}).get(key or "") or self.widgets.get(key or "")
        if widget is not None:
            widget.setFocus()
        return widget

    def clear(self) -> None:
        self.set_service(None)
