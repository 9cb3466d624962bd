"""Layouts come from Qt Designer files in forms/, loaded at run time (no generated code to keep in sync).

Each page and dialog declares its form as a class: the file, and every widget its code uses with its
type, as a generated ``Ui_`` class would hold them::

    class LoginDialogForm(Form):
        FORM = "login_dialog.ui"
        usernameEdit: QLineEdit
        loginButton: QPushButton

``LoginDialogForm.load(self)`` (or ``self.setup_form()`` in a dialog that is its own form) checks them all
at once: a widget renamed, removed or changed in Designer fails when the form loads, naming the form and
the widget, never later in front of a clerk (tests/ui/test_forms.py loads every form and declaration,
and finds any widget the code reads without declaring it). Where rows vary (a service's own
fields, the materials it lists, a block another subject owns) the form holds a placeholder, a named
empty ``QWidget``, that the code fills (``QVBoxLayout(host)``) or replaces (``Form.place``).
"""

from __future__ import annotations

import inspect
from typing import ClassVar, Self

from PySide6.QtCore import QFile, QIODevice, QObject
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QAbstractItemView, QDialog, QVBoxLayout, QWidget

from gridstation.core.storage.paths import form as form_path
from gridstation.ui.common.keyboard import one_tab_stop


class FormError(RuntimeError):
    """A form lacks a widget its code needs: a programming error, found when the form loads."""


class Form:
    """The widgets of a .ui file its code uses: each annotated name is the form's widget (or layout) of
    that objectName. Either a class of its own (``self.ui = LoginDialogForm.load(self)``, as Picard's pages
    hold their ``Ui_`` object) or a base of the dialog itself (``self.setup_form()``, the widgets then
    being the dialog's own attributes, as Vorta's are)."""

    FORM: ClassVar[str] = ""  # the file in forms/
    root: QWidget

    @classmethod
    def needs(cls) -> dict[str, type[QObject]]:
        """The widgets the code uses: every annotation of a Form class naming a Qt class."""
        found: dict[str, type[QObject]] = {}
        for klass in reversed(cls.__mro__):
            if issubclass(klass, Form):
                hints = inspect.get_annotations(klass, eval_str=True)
                found.update({name: kind for name, kind in hints.items()
                              if name != "root" and isinstance(kind, type) and issubclass(kind, QObject)})
        return found

    @classmethod
    def load(cls, host: QWidget) -> Self:
        """Load the form as the whole content of ``host``; fails at once if a declared widget is not there."""
        form = cls()
        form.setup_form(host)
        return form

    def setup_form(self, host: QWidget | None = None) -> None:
        """Load the form into ``host`` (by default this widget itself) and take every declared widget."""
        target = host if host is not None else self
        assert isinstance(target, QWidget), "a Form that is not a widget loads into a host"
        self.root = load_file(self.FORM, target)
        for name, child in self.find_widgets(self.root).items():
            setattr(self, name, child)

    @classmethod
    def find_widgets(cls, root: QWidget) -> dict[str, QObject]:
        """Every declared widget in the loaded form ``root``; a FormError naming all that are missing."""
        found, faults = {}, []
        for name, kind in cls.needs().items():
            child = root.findChild(kind, name)
            if child is None:
                other = root.findChild(QObject, name)
                faults.append(f"{name} ({kind.__name__}): " + (f"is a {type(other).__name__}" if other else "missing"))
            found[name] = child
        if faults:
            raise FormError(f"forms/{cls.FORM} does not hold what {cls.__qualname__} needs: " + "; ".join(faults))
        return found

    def include(self, *parts: Form) -> None:
        """Forms loaded inside this one (a page's tabs, each with its own form): their widgets are reached
        through this form too, ``page.ui.lendScanEdit`` as well as ``page.lending.ui.lendScanEdit``."""
        self._parts = (*self.__dict__.get("_parts", ()), *parts)

    def __getattr__(self, name: str) -> QObject:
        """Only what this form does not declare itself: a widget of an included form, or an error."""
        for part in self.__dict__.get("_parts", ()):
            if hasattr(part, name):
                return getattr(part, name)
        raise AttributeError(f"{type(self).__qualname__} has no attribute {name!r} (a widget its form declares?)")

    @staticmethod
    def place(placeholder: QWidget, widget: QWidget) -> QWidget:
        """Put ``widget`` where the form's placeholder stands, in the same layout, and drop the placeholder."""
        placeholder.parentWidget().layout().replaceWidget(placeholder, widget)  # the layout adopts the widget
        placeholder.hide()
        placeholder.deleteLater()
        return widget


def load_file(name: str, host: QWidget) -> QWidget:
    """Load forms/<name> and place it as the whole content of ``host``; its root widget."""
    loader = QUiLoader()
    file = QFile(str(form_path(name)))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(f"form not found: {form_path(name)}")
    try:
        root = loader.load(file, host)
    finally:
        file.close()
    if root is None:
        raise RuntimeError(f"cannot load form {name}: {loader.errorString()}")
    layout = host.layout() or QVBoxLayout(host)
    # A page sits flush in the main window; a dialog's content needs room from its frame.
    margin = 12 if isinstance(host, QDialog) else 0
    layout.setContentsMargins(margin, margin, margin, margin)
    layout.addWidget(root)
    for view in root.findChildren(QAbstractItemView):
        view.setTabKeyNavigation(False)  # Tab leaves a list for the buttons beside it, never walks its cells
    one_tab_stop(root)
    return root
