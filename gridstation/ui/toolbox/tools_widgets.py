"""Pieces the tool-box tabs share: the coloured scan banner, scan fields and table set-up.

Staff scanning a pile of tools do not read every message, so each outcome has its own colour
and icon (and a refusal beeps): green added, purple unknown code, red not available, orange
reserved, yellow over the limit, crimson overdue.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QApplication, QFrame, QLabel, QLineEdit, QTableView

from gridstation.core.rules.errors import DomainError, NotFound, PermissionDenied
from gridstation.core.station import roles
from gridstation.core.toolbox import tool_units
from gridstation.ui.common.context import AppContext

# look: (background, text colour, QtAwesome icon)
LOOKS: dict[str, tuple[str, str, str]] = {
    "ok": ("#e3f4e6", "#1b5e20", "fa5s.check-circle"),
    "info": ("#e8f0fe", "#1f3a5f", "fa5s.info-circle"),
    "unknown": ("#ede7f6", "#4527a0", "fa5s.question-circle"),
    "unavailable": ("#fdecea", "#b3261e", "fa5s.times-circle"),
    "reserved": ("#fff0dc", "#a34a00", "fa5s.calendar-times"),
    "limit": ("#fff8d6", "#6d5200", "fa5s.hand-paper"),
    "overdue": ("#fce4ec", "#880e4f", "fa5s.clock"),
    "denied": ("#eceff1", "#37474f", "fa5s.lock"),
    "error": ("#fdecea", "#b3261e", "fa5s.exclamation-triangle"),
}

_REFUSAL_LOOKS: list[tuple[type[DomainError], str]] = [
    (NotFound, "unknown"),
    (tool_units.UnitNotAvailable, "unavailable"),
    (tool_units.NotOnLoan, "unavailable"),
    (tool_units.ReservedByOther, "reserved"),
    (tool_units.OverLimit, "limit"),
    (tool_units.BorrowerOverdue, "overdue"),
    (PermissionDenied, "denied"),
]


def refusal_look(exc: DomainError) -> str:
    return next((look for cls, look in _REFUSAL_LOOKS if isinstance(exc, cls)), "error")


class Banner:
    """A message line under a scan field: colour, icon and text change together."""

    def __init__(self, frame: QFrame, icon: QLabel, text: QLabel) -> None:
        self.frame, self.icon, self.text = frame, icon, text
        self.look = ""
        self.clear()

    def show(self, look: str, message: str) -> None:
        background, colour, icon_name = LOOKS[look]
        self.look = look
        name = self.frame.objectName()
        self.frame.setStyleSheet(
            f"QFrame#{name} {{ background: {background}; border-left: 6px solid {colour}; border-radius: 3px; }}"
            f"QFrame#{name} QLabel {{ color: {colour}; font-size: 15px; font-weight: bold; background: transparent; }}")
        import qtawesome  # loaded after the first paint, see main_window._load_icons

        self.icon.setPixmap(qtawesome.icon(icon_name, color=colour).pixmap(24, 24))
        self.icon.setVisible(True)
        self.text.setText(message)
        self._fit()

    def _fit(self) -> None:
        """Grow to the wrapped text's height: a nested layout would otherwise clip a second line."""
        layout = self.frame.layout()
        if layout is not None and self.frame.width() > 0:
            self.frame.setMinimumHeight(layout.totalHeightForWidth(self.frame.width()))

    def refuse(self, exc: DomainError) -> None:
        """Show a refusal as is, in its own look, with a beep for staff looking at the tools."""
        self.show(refusal_look(exc), exc.message)
        QApplication.beep()

    def clear(self) -> None:
        self.look = ""
        self.frame.setStyleSheet("")
        self.icon.clear()
        self.icon.setVisible(False)
        self.text.setText("")
        self.frame.setMinimumHeight(0)


def connect_scan(edit: QLineEdit, handler: Callable[[str], None]) -> None:
    """A scanner types the code and Enter: hand the code on, clear the field, keep the focus there."""
    def scanned() -> None:
        code = edit.text()
        edit.clear()
        edit.setFocus()
        if code.strip():
            handler(code)

    edit.returnPressed.connect(scanned)


def selected_row(table: QTableView) -> int:
    """The selected row, or -1; lists are single-selection."""
    rows = table.selectionModel().selectedRows() if table.selectionModel() else []
    return rows[0].row() if rows else -1


def allowed(ctx: AppContext, role: str) -> bool:
    """Whether the signed-in staff has ``role``; buttons follow it, the services enforce it."""
    return roles.allows(ctx.staff, role)
