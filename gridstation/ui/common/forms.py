"""Layouts come from Qt Designer files in forms/, loaded at run time (no generated code to keep in sync)."""

from __future__ import annotations

from PySide6.QtCore import QFile, QIODevice
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QAbstractItemView, QDialog, QVBoxLayout, QWidget

from gridstation.core.storage.paths import form as form_path
from gridstation.ui.common.keyboard import one_tab_stop


class Form:
    """A loaded .ui file; ``form.saveButton`` finds the child widget with that objectName."""

    def __init__(self, root: QWidget) -> None:
        self.root = root

    def __getattr__(self, name: str) -> QWidget:
        child = self.root.findChild(QWidget, name) or self.root.findChild(object, name)
        if child is None:
            raise AttributeError(f"form {self.root.objectName()!r} has no widget {name!r}")
        return child


def load_form(name: str, host: QWidget) -> Form:
    """Load forms/<name> and place it as the whole content of ``host``."""
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
    return Form(root)
