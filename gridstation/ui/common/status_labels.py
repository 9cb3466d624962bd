"""The status bar's one line at 1366 pixels: labels that give way instead of pushing over each other.

A plain QLabel insists on its whole text, so a backup failure naming its folder and the database
path together were wider than the screen: the labels were cut at random and the bar's own messages
were drawn over the counts. These labels shorten with "…" where they must, keep the part that says
what is wrong, and carry the whole text as their tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QWidget


class ElidedLabel(QLabel):
    """One line shortened with "…" when the bar is too narrow (at the end, or in the middle for a
    path so its start and the file name stay); the whole text is the tooltip. ``least`` is the width
    it keeps however crowded the bar, enough for what it must say (the cause of a failure)."""

    def __init__(self, mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight, least: int = 80,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = mode
        self.least = least

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.least), hint.height())

    def shown_text(self) -> str:
        """What the label shows at its present width."""
        return self.fontMetrics().elidedText(self.text(), self.mode, self.contentsRect().width())

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        self.style().drawItemText(painter, self.contentsRect(), int(self.alignment()), self.palette(), self.isEnabled(),
                                  self.shown_text(), self.foregroundRole())


class MessageLabel(ElidedLabel):
    """The bar's passing message (``QStatusBar.showMessage``), shown as the first of its widgets so it
    always has its own room: the bar otherwise draws it in whatever gap the other labels leave."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.TextElideMode.ElideRight, 260, parent)
        self.setVisible(False)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        """Shown while there is a message; without one the other labels have its room."""
        super().setText(text)
        self.setVisible(bool(text))
