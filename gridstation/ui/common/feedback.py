"""The coloured message line under a form: green done, red refused, amber take care."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget


def show_message(label: QLabel, role: str, text: str) -> None:
    """``role`` is ok / error / warn, styled in resources/style.qss; re-polish so the colour changes."""
    label.setProperty("role", role)
    label.style().unpolish(label)
    label.style().polish(label)
    label.setText(text)


def ask_before_discarding(window: QWidget, discard: Callable[[], None]) -> QMessageBox:
    """Esc or 取消 on a half-typed form asks first: one key must not throw away a resident's details.

    The question is window-modal and answered by keys: Esc or N keeps the typing, Y gives it up.
    """
    box = QMessageBox(QMessageBox.Icon.Question, window.windowTitle(), "已填写的内容还没有保存，放弃吗？",
                      parent=window)
    give_up = box.addButton("放弃(&Y)", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("继续填写(&N)", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    # 继续填写: the form takes the keyboard back, the cursor where it was.
    box.buttonClicked.connect(lambda button: discard() if button is give_up else window.activateWindow())
    box.open()
    return box


def say_in_line(label: QLabel, role: str, text: str) -> None:
    """A block's one-line message, shown only while it says something."""
    show_message(label, role, text)
    label.setVisible(bool(text))


class MessageLine(QLabel):
    """A block's one-line message, hidden while empty so the dialog keeps its room for the history."""

    def __init__(self) -> None:
        super().__init__("")
        self.setWordWrap(True)
        self.setVisible(False)

    def say(self, role: str, text: str) -> None:
        say_in_line(self, role, text)
