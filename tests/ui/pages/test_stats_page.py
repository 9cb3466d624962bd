"""The statistics page: cards and charts against the hand count, reports off the GUI thread."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCharts import QAbstractBarSeries
from PySide6.QtCore import QKeyCombination, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QFrame

from gridstation.core.statistics import stats
from gridstation.core.storage import models as m
from gridstation.reports import monthly
from gridstation.ui.common.background import Cancelled
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.theme import apply_theme
from gridstation.ui.statistics.stats_page import CARDS, EVENT_FIGURES, StatsPage
from tests.core.events.test_events_figures import OCT_END, OCT_START, october  # noqa: F401 - the hand-counted October
from tests.core.statistics.test_stats import FEB, FEB_DAILY_COMPLETED, FEB_DAILY_RECEIVED, build_known_data
from tests.helpers import activate

EXPECTED_CARDS = {
    "受理（件）": ("9", "上月 4 · 去年同月 2"),
    "办结（件）": ("6", "上月 1 · 去年同月 2"),
    "办结率": ("33.3%", "本年累计 46.2%"),
    "期末在办（件）": ("5", "平均办理 11.4 天"),
    "逾期（件）": ("2", "期末在办中已超承诺时限"),
    "讨薪追回": ("¥8,000.00", "受理 2 起 · 办结 1 起"),
    "养老认证覆盖率": ("66.7%", "已认证 2 / 3 人"),
    "工具借出（件次）": ("3", "逾期未还 1 件 · 利用率 53.9%"),
    "好差评满意率": ("—", "评价率 0.0% · 差评 0 件"),  # 6 completed, none rated
}


@pytest.fixture
def page(qtbot, admin, db_path, tmp_path):
    staff = build_known_data(admin)
    apply_theme(QApplication.instance())
    widget = StatsPage(AppContext(str(db_path), staff["head"]))
    widget.output_dir = tmp_path / "reports"
    qtbot.addWidget(widget)
    widget.resize(1148, 760)
    widget.show()
    widget.set_month(FEB)
    wait_for_figures(qtbot, widget)
    yield widget
    qtbot.waitUntil(lambda: not widget.busy(), timeout=30_000)  # no worker left using the database


def wait_for_figures(qtbot, page: StatsPage) -> None:
    qtbot.waitUntil(lambda: page.figures_job is None and page.stats is not None, timeout=30_000)


def wait_for_job(qtbot, page: StatsPage) -> None:
    qtbot.waitUntil(lambda: page.job is None, timeout=30_000)


def test_cards_and_charts_show_the_hand_counted_month(page, tmp_path):
    assert page.stats.month == FEB
    shown = {card.caption: (value.text(), detail.text()) for card, (value, detail) in zip(CARDS, page.card_labels, strict=False)}
    assert shown == EXPECTED_CARDS
    assert page.ui.periodLabel.text() == "2025-02-01 至 2025-02-28"
    bars = page.bars_view.chart().series()[0]
    assert [s.label() for s in bars.barSets()] == ["受理", "办结"]
    assert [[s.at(i) for i in range(s.count())] for s in bars.barSets()] == [[4, 1, 2, 1, 1], [3, 1, 1, 0, 1]]
    pie = page.pie_view.chart().series()[0]
    assert [s.value() for s in pie.slices()] == [4, 1, 2, 1, 1]
    assert pie.slices()[0].label() == "失业证 4件 44.4%"  # a share written as every rate is (rates.percent)
    received, completed = page.line_view.chart().series()
    assert {int(p.x()): int(p.y()) for p in received.points() if p.y()} == FEB_DAILY_RECEIVED
    assert {int(p.x()): int(p.y()) for p in completed.points() if p.y()} == FEB_DAILY_COMPLETED
    assert not page.ui.progressBar.isVisible() and not page.ui.cancelButton.isVisible()
    shot = tmp_path / "stats-page.png"
    assert page.grab().save(str(shot)) and shot.stat().st_size > 20_000


def test_monthly_and_annual_reports_open_in_the_preview_and_are_audited(qtbot, page):
    page.ui.monthlyButton.click()
    assert page.ui.progressBar.isVisible() and not page.ui.monthlyButton.isEnabled()
    wait_for_job(qtbot, page)
    pdf = page.output_dir / "月度统计-2025-02.pdf"
    assert pdf.stat().st_size > 10_000
    assert page.preview is not None and page.preview.path == pdf and page.preview.document.pageCount() >= 2
    assert "已生成2025年2月 月度统计" in page.ui.messageLabel.text()
    page.preview.close()
    page.ui.annualButton.click()
    wait_for_job(qtbot, page)
    assert (page.output_dir / "年度统计-2025.pdf").exists() and page.preview.path.name == "年度统计-2025.pdf"
    page.preview.close()
    logged = list(m.AuditLog.select().where(m.AuditLog.action == "生成统计报表").order_by(m.AuditLog.id))
    assert [(a.username, a.entity_id) for a in logged] == [("head", "2025年2月 月度统计"), ("head", "2025年 年度统计")]
    assert page.ui.monthlyButton.isEnabled() and not page.ui.progressBar.isVisible()


def test_export_excel_writes_the_chosen_file_without_preview(qtbot, page, monkeypatch, tmp_path):
    chosen = tmp_path / "二月统计"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen), "Excel 工作簿 (*.xlsx)"))
    page.ui.excelButton.click()
    wait_for_job(qtbot, page)
    assert Path(f"{chosen}.xlsx").exists() and page.preview is None


def test_ctrl_shift_n_exports_the_years_tables_to_excel(qtbot, page, monkeypatch, tmp_path):
    """The statistics page exported only the month; Ctrl+Shift+N writes the year's tables (the annual PDF's)."""
    chosen = tmp_path / "年度"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen), "Excel 工作簿 (*.xlsx)"))
    activate(qtbot, page)
    page.ui.monthEdit.setFocus()
    with qtbot.waitSignal(page.ui.annualExcelButton.clicked, timeout=5_000):
        QTest.keyClick(page.ui.monthEdit, Qt.Key.Key_N,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    wait_for_job(qtbot, page)
    book = openpyxl.load_workbook(f"{chosen}.xlsx")
    assert page.preview is None and "2025年 年度统计" in book["说明"]["A1"].value
    months = [row[0] for row in book["逐月统计"].iter_rows(min_row=4, values_only=True)]
    assert months[:2] == ["1月", "2月"]  # the year's tables, month by month
    logged = m.AuditLog.select().where(m.AuditLog.action == "生成统计报表").order_by(m.AuditLog.id.desc()).get()
    assert logged.entity_id == "2025年 年度统计（Excel）"


SLOW_MONTHLY = "tests.ui.pages.test_stats_page:slow_monthly"  # the page's child process imports it by name


def slow_monthly(month, out, xlsx=None, *, progress, **kw):
    """A monthly report that takes ten seconds unless it is cancelled (it only reports progress, as
    the real writer does: 取消 reaches it through ``progress``)."""
    for step in range(1000):
        progress(step, 1000)
        time.sleep(0.01)
    raise AssertionError("the job was not cancelled")


def test_cancel_stops_the_job_and_leaves_no_file(qtbot, page, monkeypatch):
    monkeypatch.setitem(page.writers, "monthly", SLOW_MONTHLY)
    page.ui.monthlyButton.click()
    qtbot.waitUntil(lambda: page.ui.progressBar.value() > 2, timeout=10_000)
    page.ui.cancelButton.click()
    wait_for_job(qtbot, page)
    assert page.ui.messageLabel.text() == "已取消，没有生成文件。"
    assert not page.output_dir.exists() or not list(page.output_dir.iterdir())
    assert page.preview is None


def test_picking_another_month_recomputes_in_the_background_and_keeps_the_latest(qtbot, page):
    page.set_month(dt.date(2025, 1, 1))
    page.set_month(dt.date(2024, 2, 1))  # cancels the January job before or while it runs
    wait_for_figures(qtbot, page)
    assert page.stats.month == dt.date(2024, 2, 1)
    value, detail = page.card_labels[0]
    assert (value.text(), detail.text()) == ("2", "上月 0 · 去年同月 0")


def test_the_real_writer_leaves_no_file_when_cancelled_at_its_last_step(admin, tmp_path):
    build_known_data(admin)
    folder = tmp_path / "out"
    folder.mkdir()
    pdf, xlsx = folder / "m.pdf", folder / "m.xlsx"

    def stop_at_last(done: int, total: int) -> None:
        if done == total - 1:
            raise Cancelled

    with pytest.raises(Cancelled):
        monthly.write_monthly(FEB, pdf, xlsx, progress=stop_at_last)
    assert list(folder.iterdir()) == []


def test_chart_labels_name_every_service_in_full(page):
    names = ["失业证", "养老保险待遇资格认证", "讨薪", "\u201c4050\u201d社保补贴", "矛盾纠纷调处"]
    bars = page.bars_view.chart().series()[0]
    categories = next(axis for axis in page.bars_view.chart().axes() if hasattr(axis, "categories"))
    assert categories.categories() == names  # on the left axis, where a long name has room
    assert categories.alignment() == Qt.AlignmentFlag.AlignLeft
    assert bars.labelsPosition() == QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd
    legend = page.pie_legend.text()
    assert all(name in legend for name in names) and "…" not in legend
    assert not page.pie_view.chart().legend().isVisible()


def test_a_report_running_leaves_the_charts_their_room(qtbot, page):
    before = [view.size() for view in (page.bars_view, page.pie_view, page.line_view)]
    page._set_running(True)
    qtbot.wait(50)
    assert [view.size() for view in (page.bars_view, page.pie_view, page.line_view)] == before
    page._set_running(False)


def test_the_grid_event_line_shows_the_months_event_figures(qtbot, admin, db_path, october):
    """The dashboard's 网格事件 row shows period_stats' event figures for the month (hand-counted October 2026)."""
    apply_theme(QApplication.instance())
    widget = StatsPage(AppContext(str(db_path), admin))
    qtbot.addWidget(widget)
    widget.resize(1148, 760)
    widget.show()
    widget.set_month(OCT_START)
    qtbot.waitUntil(lambda: widget.figures_job is None and widget.stats is not None
                    and widget.stats.month == OCT_START, timeout=30_000)
    shown = dict(zip([name for name, _ in EVENT_FIGURES], [label.text() for label in widget.event_labels], strict=True))
    expected = stats.period_stats(OCT_START, OCT_END).events.total
    assert shown == {"发现": f"{expected.found} 件", "网格内处置": f"{expected.in_grid} 件",
                     "上报街道": f"{expected.reported_up} 件", "办结率": "75.0%", "按时办结率": "25.0%",
                     "逾期": f"{expected.overdue} 件"}
    assert (expected.found, expected.in_grid, expected.reported_up, expected.overdue) == (6, 3, 1, 1)
    assert widget.event_labels[-1].property("role") == "error"  # an overdue event stands out like the card
    line = widget.findChild(QFrame, "eventsLine")
    assert line.isVisible() and line.geometry().bottom() < widget.ui.chartsSplitter.geometry().top()


@pytest.mark.parametrize(("button", "keys"), [
    ("monthlyButton", (Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)),
    ("annualButton", (Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)),
    ("excelButton", (Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)),
    ("annualExcelButton", (Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)),
])
def test_each_report_button_answers_the_keys_it_shows(qtbot, page, button, keys, monkeypatch, tmp_path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "统计.xlsx"), ""))
    widget = getattr(page.ui, button)
    assert f"({QKeySequence(QKeyCombination(keys[1], keys[0])).toString()})" in widget.text()
    activate(qtbot, page)
    page.ui.monthEdit.setFocus()
    with qtbot.waitSignal(widget.clicked, timeout=5_000):
        QTest.keyClick(page.ui.monthEdit, *keys)
    assert page.busy() or page.job is None
    qtbot.waitUntil(lambda: not page.busy(), timeout=30_000)
    if page.preview is not None:
        page.preview.close()


def test_ctrl_m_makes_the_monthly_report_and_esc_cancels_one(qtbot, page, monkeypatch):
    activate(qtbot, page)
    page.ui.monthEdit.setFocus()
    with qtbot.waitSignal(page.ui.monthlyButton.clicked, timeout=5_000):  # a button's key clicks it a moment later
        QTest.keyClick(page.ui.monthEdit, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    wait_for_job(qtbot, page)
    assert (page.output_dir / "月度统计-2025-02.pdf").exists()
    page.preview.close()

    monkeypatch.setitem(page.writers, "monthly", SLOW_MONTHLY)
    activate(qtbot, page)
    page.ui.monthEdit.setFocus()
    with qtbot.waitSignal(page.ui.monthlyButton.clicked, timeout=5_000):
        QTest.keyClick(page.ui.monthEdit, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.ui.progressBar.value() > 2, timeout=10_000)
    assert "(Esc)" in page.ui.cancelButton.text()
    with qtbot.waitSignal(page.ui.cancelButton.clicked, timeout=5_000):
        QTest.keyClick(page.ui.monthEdit, Qt.Key.Key_Escape)
    wait_for_job(qtbot, page)
    assert page.ui.messageLabel.text() == "已取消，没有生成文件。"


def test_figures_for_a_hidden_page_are_drawn_when_it_shows(qtbot, page):
    """A save refreshes the figures; the charts are built only for the page in view."""
    page.hide()
    before = page.bars_view.chart()
    page.refresh()
    wait_for_figures(qtbot, page)
    assert page.bars_view.chart() is before and page.charts_pending
    page.show()
    assert page.charts_pending  # the page paints first; the charts follow in the next turn of the event loop
    qtbot.waitUntil(lambda: not page.charts_pending, timeout=5_000)
    bars = page.bars_view.chart()
    assert bars is not before and [s.count() for s in bars.series()[0].barSets()] == [len(page.stats.current.services)] * 2


def test_a_report_printed_twice_from_its_preview_is_recorded_twice(qtbot, page, tmp_path):
    """Issue 23.3: printing the monthly report to a PDF printer twice left no entry."""
    from tests.ui.test_printing import print_with_keyboard

    page.ui.monthlyButton.click()
    wait_for_job(qtbot, page)
    for copy in ("first.pdf", "second.pdf"):
        print_with_keyboard(qtbot, page.preview, tmp_path / copy)
        assert (tmp_path / copy).read_bytes() == page.preview.path.read_bytes()  # the report itself, not pictures
    page.preview.close()
    printed = m.AuditLog.select().where(m.AuditLog.action == "打印统计报表")
    assert [(a.username, a.entity_id) for a in printed] == [("head", "2025年2月 月度统计")] * 2
    assert m.AuditLog.select().where(m.AuditLog.action == "预览统计报表").count() == 1
