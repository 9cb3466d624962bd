"""Keyboard and screen rules every window shares: one Tab stop per date, windows that fit the screen.

A clerk who never reaches for the mouse must be able to Tab through a form field by field, and a
1366×768 office screen must show every button of every dialog.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QDateTimeEdit, QWidget


class _OneTabStop(QObject):
    """Qt's date edits walk year → month → day on Tab; typing 20250115 fills all three anyway."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if not isinstance(event, QKeyEvent) or event.type() != QEvent.Type.KeyPress or not isinstance(watched, QWidget):
            return False
        if event.key() not in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) or event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return False
        forward = event.key() == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        target = _tab_stop(watched, forward, lambda w: not watched.isAncestorOf(w))
        if target is not None:
            target.setFocus(Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason)
        return True


_ONE_TAB_STOP = _OneTabStop()


def one_tab_stop(root: QWidget) -> None:
    """Make ``root`` (if a date edit) and every date edit inside it cost a single Tab stop."""
    edits = root.findChildren(QDateTimeEdit)
    if isinstance(root, QDateTimeEdit):
        edits.append(root)
    for edit in edits:
        edit.installEventFilter(_ONE_TAB_STOP)


def tab_chain(*widgets: QWidget) -> None:
    """Tab visits ``widgets`` in this order (widgets built after a form are otherwise visited last)."""
    for first, second in zip(widgets, widgets[1:], strict=False):
        QWidget.setTabOrder(first, second)


def button_keys(*pairs: tuple[QAbstractButton, str]) -> None:
    """Give each button the keys its label shows. A button's own key works only while the button is
    shown and enabled, so pages and tabs that are not on screen can use the same keys."""
    for button, keys in pairs:
        button.setShortcut(QKeySequence(keys))


def _tab_stop(start: QWidget, forward: bool, wanted: Callable[[QWidget], bool]) -> QWidget | None:
    """The first widget after (or before) ``start`` in the focus chain that Tab stops at and ``wanted`` accepts."""
    step = QWidget.nextInFocusChain if forward else QWidget.previousInFocusChain
    widget = step(start)
    while widget is not start:
        if (wanted(widget) and widget.isVisible() and widget.isEnabled() and widget.focusProxy() is None
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            return widget
        widget = step(widget)
    return None


def focus_first_inside(root: QWidget) -> None:
    """Focus the first widget inside ``root`` that Tab would reach (a page without its own start)."""
    widget = _tab_stop(root, True, root.isAncestorOf)
    if widget is not None:
        widget.setFocus(Qt.FocusReason.TabFocusReason)


def available_size(widget: QWidget | None = None) -> QSize:
    """The room on the screen the widget is on (taskbar excluded), in logical pixels."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry().size()


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Resize to the preferred size, but never beyond the available screen (1366×768 at the counter)."""
    room = available_size(window)
    window.resize(min(width, room.width()), min(height, room.height() - 40))  # 40: the window's title bar
