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

# What Qt's key scheme gives a text box beyond the clipboard, undo and select-all keys. On X11 (also
# under KDE and GNOME) it adds Emacs keys: Ctrl+E end of line, Ctrl+U delete the line, Ctrl+K, Ctrl+D.
_CURSOR_KEYS = (QKeySequence.StandardKey.MoveToStartOfLine, QKeySequence.StandardKey.MoveToEndOfLine,
                QKeySequence.StandardKey.MoveToNextChar, QKeySequence.StandardKey.MoveToPreviousChar,
                QKeySequence.StandardKey.MoveToNextLine, QKeySequence.StandardKey.MoveToPreviousLine,
                QKeySequence.StandardKey.Delete, QKeySequence.StandardKey.Backspace,
                QKeySequence.StandardKey.DeleteCompleteLine, QKeySequence.StandardKey.DeleteEndOfLine,
                QKeySequence.StandardKey.DeleteStartOfWord, QKeySequence.StandardKey.DeleteEndOfWord)


class _WindowKeysFirst(QObject):
    """A line edit, date or editable drop-down with the cursor claims Ctrl+E (end of line) on a real X
    server before any shortcut sees it, so 导出 (Ctrl+E) and 登记评价 (Ctrl+E) did nothing while staff were
    typing. For the Ctrl+letter keys of the scheme above, the window's shortcut goes first; where the
    window has none, the key still reaches the text box and moves its cursor as before."""

    def __init__(self) -> None:
        super().__init__()
        letters = range(Qt.Key.Key_A.value, Qt.Key.Key_Z.value + 1)
        combos = (sequence[0] for key in _CURSOR_KEYS for sequence in QKeySequence.keyBindings(key))
        self.keys = {combo for combo in combos
                     if combo.keyboardModifiers() == Qt.KeyboardModifier.ControlModifier and combo.key().value in letters}

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        if event.keyCombination() not in self.keys:
            return False
        event.ignore()  # not claimed: Qt's shortcut map takes the key, or hands it on to the text box
        return True


def window_keys_first(app: QObject) -> QObject:
    """Install, on the application, the rule that the window's Ctrl+letter keys beat a text box's Emacs keys."""
    keys_first = _WindowKeysFirst()
    keys_first.setParent(app)
    app.installEventFilter(keys_first)
    return keys_first


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
