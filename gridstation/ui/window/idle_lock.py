"""Locks the window after the station's idle time: residents stand at the counter and can see the screen."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
             QEvent.Type.InputMethod}


class IdleWatcher(QObject):
    """Installed on the application; any key, click or scroll restarts the countdown."""

    idle = Signal()

    def __init__(self, minutes: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self.idle.emit)
        self.set_minutes(minutes)

    def set_minutes(self, minutes: float) -> None:
        self.timer.setInterval(max(1, int(minutes * 60_000)))
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in _ACTIVITY:
            self.timer.start()
        return False
