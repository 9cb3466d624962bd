"""Charts for the statistics reports, drawn with ReportLab graphics (vector, embedded font).

Each function returns a ``Drawing``, which is a platypus flowable. Every label uses the bundled
CJK font; empty data draws the axes with a short note instead of failing, so a quiet month still
prints a complete report.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from gridstation.core.rules.rates import percent
from gridstation.core.statistics.stats_tables import count_axis
from gridstation.reports.fonts import register_fonts
from gridstation.reports.styles import MUTED

RECEIVED_COLOR = colors.HexColor("#2f6db5")
COMPLETED_COLOR = colors.HexColor("#3f9a4f")
PALETTE = [colors.HexColor(c) for c in ("#2f6db5", "#e08a1e", "#3f9a4f", "#c0392b", "#8e5fb5",
                                        "#1b9aaa", "#a0785a", "#d35fa0", "#7f8c8d", "#b5a22f")]
LABEL_SIZE = 7.5


def _axis_room(top: float) -> float:
    """Left margin for a count axis: its widest label (the top value) plus the tick and a gap."""
    return stringWidth(f"{top:.0f}", register_fonts(), LABEL_SIZE) + 10


def _fit(text: str, width: float) -> str:
    """``text`` cut with … to fit ``width`` points at the label size."""
    font = register_fonts()
    if stringWidth(text, font, LABEL_SIZE) <= width:
        return text
    while text and stringWidth(text + "…", font, LABEL_SIZE) > width:
        text = text[:-1]
    return text + "…"


def _wrap(text: str, width: float, lines: int = 2) -> str:
    """``text`` on up to ``lines`` lines of ``width`` points, so a whole name prints (养老保险待遇 /
    资格认证); only a name longer than all the lines ends in …, and neighbours never touch."""
    font = register_fonts()
    out: list[str] = []
    rest = text
    while rest and len(out) < lines - 1 and stringWidth(rest, font, LABEL_SIZE) > width:
        cut = len(rest)
        while cut > 1 and stringWidth(rest[:cut], font, LABEL_SIZE) > width:
            cut -= 1
        out.append(rest[:cut])
        rest = rest[cut:]
    return "\n".join([*out, _fit(rest, width)] if rest else out)


def _legend(x: float, y: float, items: Sequence[tuple[colors.Color, str | tuple[str, ...]]], *, columns: int = 1,
            anchor: str = "ne") -> Legend:
    """A legend whose ``anchor`` corner sits at (x, y); swatches left of their text."""
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = register_fonts(), LABEL_SIZE
    legend.alignment = "right"
    legend.boxAnchor = anchor
    legend.columnMaximum = max(1, math.ceil(len(items) / columns))
    legend.dx = legend.dy = 7
    legend.deltay = 10
    legend.deltax = 12
    legend.colorNamePairs = list(items)
    return legend


def _title(drawing: Drawing, text: str) -> None:
    drawing.add(String(0, drawing.height - 10, text, fontName=register_fonts(), fontSize=9))


def _empty_note(drawing: Drawing, x: float, y: float, text: str) -> None:
    drawing.add(String(x, y, text, fontName=register_fonts(), fontSize=8, fillColor=MUTED, textAnchor="middle"))


def grouped_bars(title: str, categories: Sequence[str], series: Sequence[tuple[str, colors.Color, Sequence[int]]],
                 width: float, height: float) -> Drawing:
    """Bars per category, one colour per series (received vs completed), values above the bars."""
    font = register_fonts()
    drawing = Drawing(width, height)
    _title(drawing, title)
    chart = VerticalBarChart()
    top, step = count_axis(max((max(values, default=0) for _, _, values in series), default=0))
    left = _axis_room(top)
    chart.x, chart.y = left, 34
    chart.width, chart.height = width - left - 12, height - 62
    chart.data = [list(values) or [0] for _, _, values in series]
    slot = chart.width / max(len(categories), 1) - 4
    chart.categoryAxis.categoryNames = [_wrap(c, slot) for c in categories] or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.labels.dy = -3
    chart.categoryAxis.labels.leading = LABEL_SIZE * 1.2
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, top, step
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = LABEL_SIZE
    chart.valueAxis.labelTextFormat = "%d"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    chart.barSpacing = 1
    chart.groupSpacing = 6
    chart.barLabelFormat = lambda value: f"{value:.0f}" if value else ""  # no "0" over empty bars
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 6.5
    chart.barLabels.nudge = 5
    for index, (_, color, _) in enumerate(series):
        chart.bars[index].fillColor = color
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    drawing.add(_legend(width - 4, height - 2, [(color, name) for name, color, _ in series], columns=len(series)))
    return drawing


def service_pie(title: str, names: Sequence[str], values: Sequence[int], width: float, height: float) -> Drawing:
    """The service mix: a pie, and beside it a legend with each service's count and share in columns."""
    drawing = Drawing(width, height)
    _title(drawing, title)
    total = sum(values)
    if not total:
        _empty_note(drawing, width / 2, height / 2, "本期没有受理")
        return drawing
    shown = [(n, v) for n, v in zip(names, values, strict=True) if v]
    size = min(height - 34, width * 0.36)
    pie = Pie()
    pie.x, pie.y = 4, (height - 16 - size) / 2
    pie.width = pie.height = size
    pie.data = [v for _, v in shown]
    pie.labels = None
    pie.slices.strokeColor = colors.white
    pie.slices.strokeWidth = 0.6
    for index in range(len(shown)):
        pie.slices[index].fillColor = PALETTE[index % len(PALETTE)]
    drawing.add(pie)
    left = pie.x + size + 10
    count_w, share_w, swatch = 22, 30, 12
    name_w = width - left - count_w - share_w - swatch - 4
    items = [(PALETTE[i % len(PALETTE)], (_wrap(name, name_w), f"{v}件", percent(v / total)))
             for i, (name, v) in enumerate(shown)]
    legend = _legend(left, height - 26, items, anchor="nw")
    legend.dxTextSpace = 5
    legend.subCols[0].minWidth = name_w
    legend.subCols[1].minWidth, legend.subCols[2].minWidth = count_w, share_w
    legend.subCols[1].align = legend.subCols[2].align = "right"
    drawing.add(legend)
    return drawing


def daily_line(title: str, days: Sequence[dt.date], series: Sequence[tuple[str, colors.Color, Sequence[int]]],
               width: float, height: float) -> Drawing:
    """Counts per day as lines (intakes received and completed each day of the month)."""
    font = register_fonts()
    drawing = Drawing(width, height)
    _title(drawing, title)
    plot = LinePlot()
    top, step = count_axis(max((max(values, default=0) for _, _, values in series), default=0))
    left = _axis_room(top)
    plot.x, plot.y = left, 28
    plot.width, plot.height = width - left - 12, height - 56
    count = max(len(days), 1)
    plot.data = [[(i + 1, v) for i, v in enumerate(values)] or [(1, 0)] for _, _, values in series]
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 1, max(count, 2)
    plot.xValueAxis.valueSteps = [i + 1 for i in range(count) if i % 2 == 0 or count <= 16]
    labels = {i + 1: f"{d.day}" for i, d in enumerate(days)}
    plot.xValueAxis.labelTextFormat = lambda v: labels.get(int(v), "")
    plot.xValueAxis.labels.fontName = font
    plot.xValueAxis.labels.fontSize = LABEL_SIZE
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax, plot.yValueAxis.valueStep = 0, top, step
    plot.yValueAxis.labels.fontName = font
    plot.yValueAxis.labels.fontSize = LABEL_SIZE
    plot.yValueAxis.labelTextFormat = "%d"
    plot.yValueAxis.visibleGrid = True
    plot.yValueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    for index, (_, color, _) in enumerate(series):
        plot.lines[index].strokeColor = color
        plot.lines[index].strokeWidth = 1.2
        plot.lines[index].symbol = makeMarker("FilledCircle", size=2.2, fillColor=color, strokeColor=color)
    drawing.add(plot)
    drawing.add(String(plot.x + plot.width, 8, "日", fontName=font, fontSize=LABEL_SIZE, textAnchor="end",
                       fillColor=MUTED))
    drawing.add(_legend(width - 4, height - 2, [(color, name) for name, color, _ in series], columns=len(series)))
    return drawing
