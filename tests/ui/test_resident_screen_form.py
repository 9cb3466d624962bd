"""The resident window from its form (forms/resident_screen.ui): the level buttons are the form's, in the
order of core's scale; the reason buttons are made one per core reason, three to a row with 提交 after
them; and no widget of the window takes the keyboard, the ones made in code included.

Its buttons name no keys: no key typed by a resident reaches the window (a touch does not give it the
keyboard; test_x11_second_screen.py shows the keys then land at the counter), so 「（按 5）」 promised
what a resident cannot do."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from gridstation.core.evaluation.rules import LEVELS, REASONS
from gridstation.ui.evaluation.resident_screen import RATE, REASONS_PAGE, ResidentScreen


def test_its_buttons_follow_cores_lists_and_none_takes_the_keyboard(qtbot):
    window = ResidentScreen("和平社区网格服务站")
    qtbot.addWidget(window)
    assert window.stationLabel.text() == "和平社区网格服务站"
    assert [b.text() for b in window.level_buttons] == list(LEVELS)
    assert all(b.parentWidget() is window.pages.widget(RATE) for b in window.level_buttons)
    grid = window.reasonGrid
    placed = [grid.itemAtPosition(n // 3, n % 3).widget() for n in range(len(REASONS) + 1)]
    assert placed == [*window.reason_buttons, window.submitButton] and window.submitButton.text() == "提交"
    assert [b.text() for b in window.reason_buttons] == list(REASONS)
    assert all(b.parentWidget() is window.pages.widget(REASONS_PAGE) and b.isCheckable() for b in window.reason_buttons)
    assert all(b.font().pointSize() == 24 and b.minimumHeight() == 120 for b in window.findChildren(QPushButton))
    assert window.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
    assert [w for w in [window, *window.findChildren(QWidget)] if w.focusPolicy() != Qt.FocusPolicy.NoFocus] == []
