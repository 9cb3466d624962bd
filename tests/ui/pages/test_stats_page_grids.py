"""统计 at the counter's 1366×768: the grid register's line under the cards, reached by keys only, every
figure in full."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFrame

from gridstation.ui.statistics.stats_page import GRID_FIGURES
from tests.core.grids.test_figures import station  # noqa: F401 - a fixture: the test names it
from tests.ui.pages.test_stats_page import wait_for_figures
from tests.ui.pages.test_stats_page_at_the_counter import open_stats


def test_the_grid_line_shows_the_months_register_in_full(qtbot, db_path, station, tmp_path):  # noqa: F811
    page = open_stats(qtbot, db_path, station)
    month = page.month()
    qtbot.keyClick(page.ui.monthEdit, Qt.Key.Key_Down)  # the year section has the cursor: a year back
    qtbot.waitUntil(lambda: page.month() == month.replace(year=month.year - 1), timeout=5_000)
    wait_for_figures(qtbot, page)
    QApplication.processEvents()
    shown = dict(zip([name for name, _ in GRID_FIGURES], [label.text() for label in page.grid_labels], strict=True))
    # Every grid, building, resident and person as they stand after 2025 (the months that follow change nothing).
    assert shown == {"网格": "3 个（2个四级、1个五级）", "楼栋": "3 栋", "户数": "55 户", "在册居民": "4 人",
                     "专职网格员": "2 名", "每名联系": "28 户", "民情日志": "0 条（转事件 0）"}
    line = page.findChild(QFrame, "gridsLine")
    events = page.findChild(QFrame, "eventsLine")
    assert line.isVisible() and events.geometry().bottom() < line.geometry().top()
    assert line.geometry().bottom() < page.ui.chartsSplitter.geometry().top()
    assert line.geometry().right() <= page.width()
    for label in page.grid_labels:  # nothing cut: each figure has the width it asks for
        assert label.width() >= label.sizeHint().width(), label.text()
    assert page.grab().save(str(tmp_path / "stats-grids.png"))
    # A station at the benchmarks' scale still reads in full on the one line.
    for label, text in zip(page.grid_labels, ["15 个（6个四级、9个五级）", "2000 栋", "38000 户", "100000 人",
                                              "80 名", "475 户", "1200 条（转事件 300）"], strict=True):
        label.setText(text)
    QApplication.processEvents()
    assert line.geometry().right() <= page.width()
    for label in page.grid_labels:
        assert label.width() >= label.sizeHint().width(), label.text()
    assert page.grab().save(str(tmp_path / "stats-grids-full-scale.png"))
