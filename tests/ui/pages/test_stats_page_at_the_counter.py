"""统计 in the main window at the counter's 1366×768, opened with Ctrl+4: every bar's figure is readable
(none runs into its neighbour, none is cut at the chart's edge), and 办结率 says on screen what it is of."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication, QLabel

from gridstation.core.intake import intakes, residents
from gridstation.core.station import catalog
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.theme import apply_theme
from gridstation.ui.statistics.stats_page import CARDS, StatsPage
from gridstation.ui.window.main_window import MainWindow
from tests.helpers import make_id, show_at_counter_size
from tests.ui.pages.test_stats_page import wait_for_figures


def open_stats(qtbot, db_path, staff) -> StatsPage:
    apply_theme(QApplication.instance())
    window = show_at_counter_size(qtbot, MainWindow(AppContext(target=str(db_path), staff=staff)))
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    page = window.ui.pageStack.currentWidget()
    assert isinstance(page, StatsPage)
    wait_for_figures(qtbot, page)
    qtbot.waitUntil(lambda: not page.charts_pending, timeout=10_000)  # drawn in the next turn of the loop
    QApplication.processEvents()
    return page


def test_bar_figures_neither_overlap_nor_run_off_the_chart(qtbot, db_path, admin):
    for seq in range(5):  # five 失业证 this month: the longest bar is a round 5, where the axis ended
        zhang = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id(seq=f"{seq}31")))
        intakes.create_intake(admin, intakes.IntakeInput(zhang.id, "unemployment", details={"docs_checked": True}))
    page = open_stats(qtbot, db_path, admin)
    chart = page.bars_view.chart()
    series = chart.series()[0]
    received, completed = series.barSets()
    assert received.at(0) == 5
    assert series.isLabelsVisible()
    plot = chart.plotArea()
    font = QFontMetricsF(received.labelFont())
    rows = received.count()
    # Each service's two bars share its row; each bar must be as tall as its figure.
    assert plot.height() / rows * series.barWidth() / 2 >= font.height(), (plot.height(), rows, series.barWidth())
    # The longest bar leaves room for its figure inside the chart.
    top = chart.axes(Qt.Orientation.Horizontal)[0].max()
    bar_end = plot.left() + plot.width() * received.at(0) / top
    assert bar_end + font.horizontalAdvance("5") + 4 <= plot.right(), (bar_end, plot.right(), top)


def test_with_more_services_than_rows_for_figures_the_figures_stand_beside_the_names(qtbot, db_path, admin, tmp_path):
    for name in ("老年优待证", "临时救助"):  # a station's own services
        catalog.save_service(admin, name=name, promised_days=5, actions=[], fields=[])
    zhang = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))
    intakes.create_intake(admin, intakes.IntakeInput(zhang.id, "unemployment", details={"docs_checked": True}))
    page = open_stats(qtbot, db_path, admin)
    # Drawn first with figures at the bar ends, then again once the rows prove too thin for them.
    qtbot.waitUntil(lambda: not page.bars_view.chart().series()[0].isLabelsVisible(), timeout=5000)
    categories = page.bars_view.chart().axes(Qt.Orientation.Vertical)[0].categories()
    assert len(categories) == 6 and "失业证  1 / 0" in categories
    QApplication.processEvents()
    assert page.grab().save(str(tmp_path / "stats-six-services.png"))


def test_the_completion_rate_card_says_it_is_of_this_periods_intakes(qtbot, db_path, admin):
    page = open_stats(qtbot, db_path, admin)
    index = [card.caption for card in CARDS].index("办结率")
    note = page.findChild(QLabel, f"cardNote{index}")
    assert note is not None and note.isVisible()
    assert note.text() == "本期受理的件中已办结的占比"
    assert QFontMetricsF(note.font()).horizontalAdvance(note.text()) <= note.width()  # one line, in full
