"""统计: this month's key figures and charts, and the monthly/annual reports and Excel export.

The cards and charts read ``core.stats.monthly_stats`` - the same numbers the PDF prints. Both the
figures (about a second at 250 000 intakes) and the report files are computed off the GUI thread
through ``ui.background`` (the work only computes and writes files, never touching a widget). The
report writers create their files only after their last progress call, so a cancelled report leaves
nothing behind. The page shows a report's progress, can cancel it, and opens the finished PDF in
the app's preview.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QMargins, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFontMetricsF, QPainter
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gridstation.core.events.figures import EventTally
from gridstation.core.grids.figures import GridFigures, levels_phrase
from gridstation.core.rules import clock
from gridstation.core.rules.rates import percent
from gridstation.core.station import printouts
from gridstation.core.statistics.stats import MonthlyStats, PeriodStats, monthly_stats, record_report
from gridstation.core.statistics.stats_tables import Days, Money, Rate, count_axis, display
from gridstation.core.storage import paths
from gridstation.core.storage.child_work import run_in_child
from gridstation.reports import report_names
from gridstation.ui.common.background import BackgroundOp, Work
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.forms import Form
from gridstation.ui.common.keyboard import button_keys

RECEIVED_COLOR, COMPLETED_COLOR = QColor("#2f6db5"), QColor("#3f9a4f")
REPORT_WRITERS = {"monthly": "gridstation.reports.monthly:write_monthly",
                  "annual": "gridstation.reports.annual:write_annual",
                  "excel": "gridstation.reports.monthly:write_monthly_xlsx",
                  "annual_excel": "gridstation.reports.annual:write_annual_xlsx"}
PIE_COLORS = ["#2f6db5", "#e08a1e", "#3f9a4f", "#c0392b", "#8e5fb5", "#1b9aaa", "#a0785a", "#d35fa0"]


@dataclass(frozen=True)
class Card:
    caption: str
    value: Callable[[MonthlyStats], str]
    detail: Callable[[MonthlyStats], str]
    alert: Callable[[MonthlyStats], bool] = lambda _ms: False
    note: str = ""  # a figure that reads otherwise than it sounds: its definition, small, beside the caption


def _versus(get: Callable[[PeriodStats], object]) -> Callable[[MonthlyStats], str]:
    """A card's second line: the same figure last month and in the same month last year."""
    return lambda ms: f"上月 {get(ms.previous)} · 去年同月 {get(ms.last_year)}"


CARDS = [
    Card("受理（件）", lambda ms: str(ms.current.total.received), _versus(lambda p: p.total.received)),
    Card("办结（件）", lambda ms: str(ms.current.total.completed), _versus(lambda p: p.total.completed)),
    # Not 办结 ÷ 受理 of the cards beside it (办结 counts older intakes too): README 统计口径.
    Card("办结率", lambda ms: display(Rate(ms.current.total.completion_rate)),
         lambda ms: f"本年累计 {display(Rate(ms.year_to_date.total.completion_rate))}", note="本期受理的件中已办结的占比"),
    Card("期末在办（件）", lambda ms: str(ms.current.total.in_progress),
         lambda ms: f"平均办理 {display(Days(ms.current.total.avg_days))} 天"),
    Card("逾期（件）", lambda ms: str(ms.current.total.overdue), lambda ms: "期末在办中已超承诺时限",
         alert=lambda ms: ms.current.total.overdue > 0),
    Card("讨薪追回", lambda ms: display(Money(ms.current.wage.recovered_fen)),
         lambda ms: f"受理 {ms.current.wage.cases} 起 · 办结 {ms.current.wage.completed} 起"),
    Card("养老认证覆盖率", lambda ms: display(Rate(ms.current.pension.coverage)),
         lambda ms: f"已认证 {ms.current.pension.certified} / {ms.current.pension.pensioners} 人"),
    Card("工具借出（件次）", lambda ms: str(ms.current.tools.lent),
         lambda ms: f"逾期未还 {ms.current.tools.overdue} 件 · 利用率 {display(Rate(ms.current.tools.utilisation))}"),
    # 好差评 (core/evaluation/figures.py)
    Card("好差评满意率", lambda ms: display(Rate(ms.current.ratings.total.satisfaction_rate)),
         lambda ms: f"评价率 {display(Rate(ms.current.ratings.total.rating_rate))} · 差评 {ms.current.ratings.total.bad} 件",
         alert=lambda ms: ms.current.ratings.total.bad > 0),
]

# The month's grid events (core/events/figures.py), one line under the cards: what the street office asks.
EVENT_FIGURES: list[tuple[str, Callable[[EventTally], str]]] = [
    ("发现", lambda t: f"{t.found} 件"),
    ("网格内处置", lambda t: f"{t.in_grid} 件"),
    ("上报街道", lambda t: f"{t.reported_up} 件"),
    ("办结率", lambda t: display(Rate(t.completion_rate))),
    ("按时办结率", lambda t: display(Rate(t.on_time_rate))),
    ("逾期", lambda t: f"{t.overdue} 件"),
]

# The grid register on the month's last day (core/grids/figures.py), the line under the events'.
GRID_FIGURES: list[tuple[str, Callable[[GridFigures], str]]] = [
    ("网格", lambda f: f"{f.total.grids} 个" + (f"（{levels_phrase(f.levels).replace('网格', '')}）" if f.levels else "")),
    ("楼栋", lambda f: f"{f.total.buildings} 栋"),
    ("户数", lambda f: f"{f.total.households} 户"),
    ("在册居民", lambda f: f"{f.total.residents} 人"),
    ("专职网格员", lambda f: f"{f.total.workers} 名"),
    ("每名联系", lambda f: "—" if f.total.households_per_worker is None else f"{round(f.total.households_per_worker)} 户"),
    ("民情日志", lambda f: f"{f.total.diary_entries} 条（转事件 {f.total.diary_events}）"),
]


class StatsPageForm(Form):
    FORM = "stats_page.ui"
    annualButton: QPushButton
    annualExcelButton: QPushButton
    barsHost: QWidget
    cancelButton: QPushButton
    cardsHost: QWidget
    chartsSplitter: QSplitter
    excelButton: QPushButton
    lineHost: QWidget
    messageLabel: QLabel
    monthEdit: QDateEdit
    monthlyButton: QPushButton
    periodLabel: QLabel
    pieHost: QWidget
    progressBar: QProgressBar
    titleLabel: QLabel
    topCharts: QSplitter


class StatsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ui = StatsPageForm.load(self)
        self.output_dir = paths.data_dir() / "reports"
        # Which function writes each report, by name: the child process imports it there.
        self.writers = dict(REPORT_WRITERS)
        self.stats: MonthlyStats | None = None
        self.charts_pending = False  # figures came in while the page was hidden: draw when it shows
        self.job: BackgroundOp | None = None
        self.figures_job: BackgroundOp | None = None
        self.job_title = ""
        self.job_preview = False
        self.preview: QWidget | None = None
        today = QDate(clock.today())
        self.ui.monthEdit.setMaximumDate(QDate(today.year(), today.month(), 1))
        self.ui.monthEdit.setMinimumDate(QDate(2000, 1, 1))
        self.ui.monthEdit.setDate(QDate(today.year(), today.month(), 1))
        self.ui.monthEdit.dateChanged.connect(lambda _d: self.refresh())
        self.ui.monthlyButton.clicked.connect(self.generate_monthly)
        self.ui.annualButton.clicked.connect(self.generate_annual)
        self.ui.excelButton.clicked.connect(self.export_excel)
        self.ui.annualExcelButton.clicked.connect(self.export_annual_excel)
        self.ui.cancelButton.clicked.connect(self.cancel_job)
        button_keys((self.ui.monthlyButton, "Ctrl+M"), (self.ui.annualButton, "Ctrl+N"), (self.ui.excelButton, "Ctrl+E"),
                    (self.ui.annualExcelButton, "Ctrl+Shift+N"), (self.ui.cancelButton, "Esc"))
        # The progress row keeps its place when hidden: a report starting must not squeeze the
        # charts (their axis labels turned to 「…」 while a report was generated).
        for widget in (self.ui.progressBar, self.ui.cancelButton):
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            widget.setSizePolicy(policy)
        self._set_running(False)
        self.card_labels = self._build_cards()
        self.bars_view, self.pie_view, self.line_view = (self._chart_view(host) for host in
                                                         (self.ui.barsHost, self.ui.pieHost, self.ui.lineHost))
        # The pie's legend is a label beside it: Qt's own legend cut long service names to 「…」.
        self.pie_legend = QLabel()
        self.pie_legend.setObjectName("pieLegend")
        self.pie_legend.setTextFormat(Qt.TextFormat.RichText)
        self.pie_legend.setStyleSheet("background: white; border-radius: 6px; padding: 6px;")
        self.ui.pieHost.layout().addWidget(self.pie_legend)
        self.ui.topCharts.setSizes([620, 480])
        self.ui.chartsSplitter.setSizes([330, 190])  # the bars need the height: a row each service, its figures beside

    # --- figures ----------------------------------------------------------------------------
    def busy(self) -> bool:
        """Whether figures or a report are still being computed (screenshots and tests wait for it)."""
        return self.job is not None or self.figures_job is not None

    def month(self) -> dt.date:
        d = self.ui.monthEdit.date()
        return dt.date(d.year(), d.month(), 1)

    def set_month(self, month: dt.date) -> None:
        self.ui.monthEdit.setDate(QDate(month.year, month.month, 1))

    def refresh(self) -> None:
        """Recompute the month's figures in the background; cards and charts follow when they are in.

        A newer refresh (another month picked) cancels the one still running.
        """
        if self.figures_job is not None:
            self.figures_job.cancel()
        month = self.month()
        job = BackgroundOp(self, lambda progress, _cancelled: monthly_stats(month, progress=progress),
                           done=lambda figures: self._figures_in(job, figures),
                           failed=lambda text: self._figures_failed(job, text),
                           cancelled=lambda: self._current_figures(job))
        self.figures_job = job
        self.ui.periodLabel.setText("正在统计……")
        job.start()

    def _current_figures(self, job: BackgroundOp) -> bool:
        """Whether the answer comes from the latest figures job (older ones are ignored)."""
        if job is not self.figures_job:
            return False
        self.figures_job = None
        return True

    def _figures_failed(self, job: BackgroundOp, text: str) -> None:
        if self._current_figures(job):
            self.ui.periodLabel.setText("")
            self._message(text, "error")

    def _figures_in(self, job: BackgroundOp, figures: MonthlyStats) -> None:
        if not self._current_figures(job):
            return
        self.stats = figures
        c = self.stats.current
        period = f"{c.start:%Y-%m-%d} 至 {c.cutoff:%Y-%m-%d}" + ("（本月尚未结束）" if c.running else "")
        self.ui.periodLabel.setText(period)
        for card, (value, detail) in zip(CARDS, self.card_labels, strict=True):
            value.setText(card.value(self.stats))
            value.setProperty("role", "error" if card.alert(self.stats) else "")
            value.style().unpolish(value)
            value.style().polish(value)
            detail.setText(card.detail(self.stats))
        events = self.stats.current.events.total
        for (_caption, value_of), label in zip(EVENT_FIGURES, self.event_labels, strict=True):
            label.setText(value_of(events))
        for (_caption, value_of), label in zip(GRID_FIGURES, self.grid_labels, strict=True):
            label.setText(value_of(self.stats.current.grid_register))
        overdue = self.event_labels[-1]
        overdue.setProperty("role", "error" if events.overdue else "")
        overdue.style().unpolish(overdue)
        overdue.style().polish(overdue)
        self.charts_pending = True
        if self.isVisible():
            self._draw_pending_charts()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        # The page paints first with the charts it had, then draws the new ones in the next turn of
        # the event loop: both at once froze the switch to this page for 70 ms.
        QTimer.singleShot(0, self, self._draw_pending_charts)

    def _draw_pending_charts(self) -> None:
        """Charts are drawn for the page in view only. Building them calls Qt's chart classes
        thousands of times, each call through Python's lock: while a save's list reloads ran in the
        background, charts for a page nobody looked at froze the counter for 90 ms."""
        if self.charts_pending and self.stats is not None:
            self.charts_pending = False
            self._draw_charts(self.stats)

    def _build_cards(self) -> list[tuple[QLabel, QLabel]]:
        grid = QGridLayout(self.ui.cardsHost)
        grid.setContentsMargins(0, 0, 0, 0)
        labels = []
        for index, card in enumerate(CARDS):
            frame = QFrame()
            frame.setObjectName(f"card{index}")
            frame.setFrameShape(QFrame.Shape.StyledPanel)
            frame.setStyleSheet(f"QFrame#card{index} {{ background: #f7f9fc; border: 1px solid #d8dde6; "
                                "border-radius: 4px; }")
            box = QVBoxLayout(frame)
            box.setContentsMargins(10, 6, 10, 6)
            box.setSpacing(1)
            caption = QHBoxLayout()
            caption.setSpacing(6)
            caption.addWidget(QLabel(card.caption, styleSheet="color: #555555;"))
            if card.note:  # on screen, not in a tooltip: a keyboard never hovers
                caption.addWidget(QLabel(card.note, objectName=f"cardNote{index}",
                                         styleSheet="color: #555555; font-size: 11px;"))
            caption.addStretch(1)
            value = QLabel("—")
            value.setObjectName(f"cardValue{index}")
            value.setStyleSheet("font-size: 22px; font-weight: bold;")
            detail = QLabel("")
            detail.setObjectName(f"cardDetail{index}")
            detail.setStyleSheet("color: #555555; font-size: 11px;")
            box.addLayout(caption)
            box.addWidget(value)
            box.addWidget(detail)
            columns = (len(CARDS) + 1) // 2  # two rows, however many cards
            grid.addWidget(frame, index // columns, index % columns)
            labels.append((value, detail))
        events, self.event_labels = self._build_line("event", "网格事件", [name for name, _ in EVENT_FIGURES])
        register, self.grid_labels = self._build_line("grid", "网格", [name for name, _ in GRID_FIGURES])
        columns = (len(CARDS) + 1) // 2
        grid.addWidget(events, 2, 0, 1, columns)  # the two lines under the two rows of cards, the page's width
        grid.addWidget(register, 3, 0, 1, columns)
        return labels

    def _build_line(self, name: str, caption: str, figures: list[str]) -> tuple[QFrame, list[QLabel]]:
        """One row under the cards: a caption and its figures (the grid events', the grid register's);
        the frame is ``{name}sLine``, its values ``{name}Value{n}``."""
        frame = QFrame()
        frame.setObjectName(f"{name}sLine")
        frame.setStyleSheet(f"QFrame#{name}sLine {{ background: #f7f9fc; border: 1px solid #d8dde6; border-radius: 4px; }}")
        row = QHBoxLayout(frame)
        row.setContentsMargins(10, 3, 10, 3)
        title = QLabel(caption)
        title.setStyleSheet("font-weight: bold;")
        row.addWidget(title)
        labels: list[QLabel] = []
        for index, figure in enumerate(figures):
            row.addSpacing(18)
            name_label = QLabel(figure)
            name_label.setStyleSheet("color: #555555;")
            value = QLabel("—")
            value.setObjectName(f"{name}Value{index}")
            value.setStyleSheet("font-size: 15px; font-weight: bold;")
            row.addWidget(name_label)
            row.addWidget(value)
            labels.append(value)
        row.addStretch(1)
        return frame, labels

    def _chart_view(self, host: QWidget) -> QChartView:
        view = QChartView(QChart())
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(180)
        layout = QHBoxLayout(host)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(view)
        return view

    def _new_chart(self, view: QChartView, title: str) -> QChart:
        chart = QChart()
        chart.setTitle(title)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.05)
        font.setBold(True)
        chart.setTitleFont(font)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setFont(self.font())
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        old = view.chart()
        view.setChart(chart)
        old.deleteLater()
        return chart

    def _count_axis(self, chart: QChart, largest: int, align: Qt.AlignmentFlag) -> QValueAxis:
        axis = QValueAxis()
        top, step = count_axis(largest)
        axis.setRange(0, top)
        axis.setTickCount(top // step + 1)
        axis.setLabelFormat("%d")
        axis.setLabelsFont(self.font())
        chart.addAxis(axis, align)
        return axis

    def _draw_bars(self, c: PeriodStats, beside: bool = False) -> None:
        """受理 and 办结 by service. Each figure stands at its bar's end while every bar is as tall as
        its figure; when more services share the height than that allows (a station's own services
        added), the chart is drawn again with the figures beside the names (「失业证  18 / 19」), never
        running into each other."""
        # Bars lie down, names on the left axis: a long name (养老保险待遇资格认证, “4050”社保补贴)
        # has the axis' whole width there and reads in full; under standing bars Qt cut it to 「…」.
        chart = self._new_chart(self.bars_view, "各项业务受理与办结（件）")
        series = QHorizontalBarSeries()
        # The two bars of a service share its row: at Qt's half width each bar was thinner than its
        # figure, and the figures of a row ran into each other (「12」 over 「12」).
        series.setBarWidth(0.9)
        for name, color, values in (("受理", RECEIVED_COLOR, [r.received for r in c.services]),
                                    ("办结", COMPLETED_COLOR, [r.completed for r in c.services])):
            bar_set = QBarSet(name)
            bar_set.setColor(color)
            bar_set.append([float(v) for v in values])
            series.append(bar_set)
        # Figures beside the bar ends in dark text: inside a short bar they could not be read.
        series.setLabelsVisible(not beside)
        series.setLabelsFormat("@value")
        series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
        for bar_set in series.barSets():
            bar_set.setLabelColor(QColor("#222222"))
            bar_set.setLabelFont(self.font())
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([f"{r.name}  {r.received} / {r.completed}" if beside else r.name for r in c.services])
        categories.setLabelsFont(self.font())
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        largest = max([r.received for r in c.services] + [r.completed for r in c.services] + [0])
        # Room past the longest bar for its figure: a bar reaching the axis' end put 「20」 beyond the
        # chart's edge, cut in half.
        room = max(1, math.ceil(largest * 0.15))
        series.attachAxis(self._count_axis(chart, largest + room, Qt.AlignmentFlag.AlignBottom))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)  # the height is the scarce side: for the rows
        rows = max(1, len(c.services))
        tall = QFontMetricsF(self.font()).height()

        def check(plot: QRectF) -> None:
            fits = plot.height() / rows * series.barWidth() / 2 >= tall
            if fits == beside and self.bars_view.chart() is chart:  # the other way reads: draw it so
                QTimer.singleShot(0, self, lambda: self.bars_view.chart() is chart and self._draw_bars(c, not fits))

        chart.plotAreaChanged.connect(check)

    def _draw_charts(self, ms: MonthlyStats) -> None:
        c = ms.current
        self._draw_bars(c)

        chart = self._new_chart(self.pie_view, "受理业务构成")
        total = c.total.received
        pie = QPieSeries()
        legend = []
        for index, row in enumerate(r for r in c.services if r.received):
            color = PIE_COLORS[index % len(PIE_COLORS)]
            piece = pie.append(f"{row.name} {row.received}件 {percent(row.received / total)}", row.received)
            piece.setColor(QColor(color))
            legend.append(f'<tr><td style="color:{color}">■</td><td nowrap>{html.escape(row.name)}</td>'
                          f'<td align="right" nowrap>&nbsp;{row.received}件</td>'
                          f'<td align="right" nowrap>&nbsp;{percent(row.received / total)}</td></tr>')
        pie.setPieSize(0.9)
        chart.addSeries(pie)
        chart.legend().hide()
        self.pie_legend.setText(f"<table cellspacing=3>{''.join(legend)}</table>")
        if not total:
            chart.setTitle("受理业务构成（本月没有受理）")

        chart = self._new_chart(self.line_view, "本月每日受理与办结（件）")
        for name, color, values in (("受理", RECEIVED_COLOR, [d.received for d in c.daily]),
                                    ("办结", COMPLETED_COLOR, [d.completed for d in c.daily])):
            line = QLineSeries()
            line.setName(name)
            line.setColor(color)
            line.setPointsVisible(True)
            for day, value in zip(c.daily, values, strict=True):
                line.append(day.day.day, value)
            chart.addSeries(line)
        days = QValueAxis()
        days.setRange(1, max(len(c.daily), 2))
        days.setLabelFormat("%d")  # no axis title: its line would cost the day labels their room
        days.setTickType(QValueAxis.TickType.TicksDynamic)
        days.setTickAnchor(1)
        days.setTickInterval(2 if len(c.daily) > 16 else 1)
        days.setLabelsFont(self.font())
        chart.addAxis(days, Qt.AlignmentFlag.AlignBottom)
        counts = self._count_axis(chart, max([d.received for d in c.daily] + [d.completed for d in c.daily] + [0]),
                                  Qt.AlignmentFlag.AlignLeft)
        for line in chart.series():
            line.attachAxis(days)
            line.attachAxis(counts)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)  # beside the plot: the height is the scarce side

    # --- reports ----------------------------------------------------------------------------
    def generate_monthly(self) -> None:
        month = self.month()
        out = self._output(report_names.monthly_file(month))
        self._start(self._in_child(self.writers["monthly"], month, out), report_names.monthly_title(month), preview=True)

    def generate_annual(self) -> None:
        year = self.month().year
        out = self._output(report_names.annual_file(year))
        self._start(self._in_child(self.writers["annual"], year, out), report_names.annual_title(year), preview=True)

    def export_excel(self) -> None:
        month = self.month()
        out = self._workbook_file(report_names.monthly_file(month, ".xlsx"))
        if out is not None:
            self._start(self._in_child(self.writers["excel"], month, out),
                        f"{report_names.monthly_title(month)}（Excel）", preview=False)

    def export_annual_excel(self) -> None:
        year = self.month().year
        out = self._workbook_file(report_names.annual_file(year, ".xlsx"))
        if out is not None:
            self._start(self._in_child(self.writers["annual_excel"], year, out),
                        f"{report_names.annual_title(year)}（Excel）", preview=False)

    def _workbook_file(self, suggested: str) -> Path | None:
        """Where the user saves a workbook (None: they cancelled); .xlsx added when left out."""
        chosen, _ = QFileDialog.getSaveFileName(self, "导出 Excel", str(self.output_dir / suggested),
                                                "Excel 工作簿 (*.xlsx)")
        if not chosen:
            return None
        return Path(chosen) if chosen.lower().endswith(".xlsx") else Path(chosen + ".xlsx")

    @staticmethod
    def _in_child(writer: str, *args: object) -> Work:
        """A report is seconds of ReportLab or openpyxl: written in a child process, so the
        window keeps the interpreter lock to itself (core/storage/child_work.py)."""
        return lambda progress, cancelled: run_in_child(writer, *args, progress=progress, cancelled=cancelled)

    def _output(self, name: str) -> Path:
        self.output_dir.mkdir(parents=True, exist_ok=True)
        return self.output_dir / name

    def _start(self, work: Work, title: str, *, preview: bool) -> None:
        if self.job is not None:
            return
        # The op belongs to the page: if the page goes away mid-job, the answer goes nowhere.
        job = BackgroundOp(self, work, progress=self._progress, done=self._finished, failed=self._failed,
                           cancelled=self._cancelled)
        self.job, self.job_title, self.job_preview = job, title, preview
        self._set_running(True)
        self._message(f"正在生成{title}……", "")
        job.start()

    def cancel_job(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.ui.cancelButton.setEnabled(False)
            self._message("正在取消……", "warn")

    def _progress(self, done: int, total: int) -> None:
        self.ui.progressBar.setRange(0, total)
        self.ui.progressBar.setValue(done)

    def _finished(self, path: Path) -> None:
        title = self.job_title
        self._ended(f"已生成{title}：{path}", "ok")
        record_report(self.ctx.staff, title, [path])
        if self.job_preview:
            # late import (start-up time): loaded on first use, after the window's first paint
            from gridstation.ui.common.printing import preview_document

            self.preview = preview_document(self, self.ctx.staff, path, title, printouts.REPORT, title)

    def _failed(self, text: str) -> None:
        self._ended(text, "error")

    def _cancelled(self) -> None:
        self._ended("已取消，没有生成文件。", "warn")

    def _ended(self, text: str, role: str) -> None:
        self.job = None
        self._set_running(False)
        self._message(text, role)

    def _set_running(self, running: bool) -> None:
        for name in ("monthlyButton", "annualButton", "excelButton", "annualExcelButton", "monthEdit"):
            getattr(self.ui, name).setEnabled(not running)
        self.ui.progressBar.setVisible(running)
        self.ui.cancelButton.setVisible(running)
        self.ui.cancelButton.setEnabled(running)
        if running:
            self.ui.progressBar.setRange(0, 0)

    def _message(self, text: str, role: str) -> None:
        label = self.ui.messageLabel
        label.setText(text)
        label.setProperty("role", role)
        label.style().unpolish(label)
        label.style().polish(label)

