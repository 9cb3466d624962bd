"""The coloured message line under a form: green done, red refused, amber take care."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QTextEdit,
    QWidget,
)

Fields = QWidget | Sequence[QWidget] | None


def changed_signal(widget: QWidget) -> SignalInstance | None:
    """The signal a field sends when staff change it: typing, a choice, a tick, a date (None: a widget
    staff do not type into)."""
    if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
        return widget.textChanged
    if isinstance(widget, QComboBox):
        return widget.currentIndexChanged
    if isinstance(widget, QAbstractButton):
        return widget.toggled
    if isinstance(widget, QDateTimeEdit):
        return widget.dateTimeChanged
    if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        return widget.valueChanged
    return None


def show_message(label: QLabel, role: str, text: str, field: Fields = None) -> None:
    """``role`` is ok / error / warn, styled in resources/style.qss; re-polish so the colour changes.

    ``field``: the widget(s) a refusal names. Once staff change one of them the fault is being fixed,
    so the red line goes at once instead of staying beside a corrected form until the next save.
    """
    _forget(label)
    label.setProperty("role", role)
    label.style().unpolish(label)
    label.style().polish(label)
    label.setText(text)
    widgets = [field] if isinstance(field, QWidget) else list(field or ())
    if widgets and text:
        slots = []
        for widget in widgets:
            signal = changed_signal(widget)
            if signal is None:
                continue
            slot = lambda *_args, label=label: _clear(label)  # noqa: E731 - one slot per connection, disconnected by it
            signal.connect(slot)
            slots.append((signal, slot))
        label.clearing_slots = slots  # the next message on this line disconnects them


def _forget(label: QLabel) -> None:
    for signal, slot in getattr(label, "clearing_slots", ()):
        try:
            signal.disconnect(slot)
        except (RuntimeError, TypeError):  # the field was deleted with its dialog
            pass
    label.clearing_slots = []


def _clear(label: QLabel) -> None:
    if isinstance(label, MessageLine):
        label.say("warn", "")
    else:
        show_message(label, "warn", "")


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


def say_in_line(label: QLabel, role: str, text: str, field: Fields = None) -> None:
    """A block's one-line message, shown only while it says something (cleared as ``show_message`` clears)."""
    show_message(label, role, text, field)
    label.setVisible(bool(text))


class MessageLine(QLabel):
    """A block's one-line message, hidden while empty so the dialog keeps its room for the history."""

    def __init__(self) -> None:
        super().__init__("")
        self.setWordWrap(True)
        self.setVisible(False)

    def say(self, role: str, text: str, field: Fields = None) -> None:
        say_in_line(self, role, text, field)
