"""The coloured message line under a form: green done, red refused, amber take care."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def show_message(label: QLabel, role: str, text: str) -> None:
    """``role`` is ok / error / warn, styled in resources/style.qss; re-polish so the colour changes."""
    label.setProperty("role", role)
    label.style().unpolish(label)
    label.style().polish(label)
    label.setText(text)


class MessageLine(QLabel):
    """A block's one-line message, hidden while empty so the dialog keeps its room for the history."""

    def __init__(self) -> None:
        super().__init__("")
        self.setWordWrap(True)
        self.setVisible(False)

    def say(self, role: str, text: str) -> None:
        show_message(self, role, text)
        self.setVisible(bool(text))
