"""资产标签: an A4 sheet of stickers, one per tool, each with its asset code as text and QR code.

The grid fills the page edge to edge because pre-cut A4 label stock (3x8 of 70 x 37 mm,
4x10 of 52.5 x 29.7 mm) has no margins; the content keeps clear of each label's edges so
a printer's unprintable border or a slightly skewed sheet cuts nothing off.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.rules.pinyin_keys import sort_key
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.core.toolbox import tool_units
from gridstation.reports.blocks import StationInfo, qr_code
from gridstation.reports.fitting import fit_font_size, wrap_chars
from gridstation.reports.fonts import FONT, register_fonts
from gridstation.reports.pdf_build import CREATOR, save_atomically
from gridstation.reports.styles import INK, MUTED

TITLE = "资产标签"
LAYOUTS = {"3x8": (3, 8), "4x10": (4, 10)}
CUT_GUIDE = colors.HexColor("#d0d0d0")


@dataclass(frozen=True)
class LabelItem:
    kind: str
    asset_code: str


@dataclass(frozen=True)
class _Metrics:
    """Type sizes (largest, smallest) for one layout; the smaller 4x10 label gets smaller ones.

    The smallest sizes keep the worst case (a 32-character asset code on three lines under a
    two-line kind name and a two-line station name) inside the label; nothing prints below 6 pt,
    the smallest type that stays legible on a printed sticker: a long station name wraps instead.
    """

    pad: float
    station: tuple[float, float]
    kind: tuple[float, float]
    code: tuple[float, float]


_METRICS = {"3x8": _Metrics(3 * mm, (7, 6), (10, 7), (16, 8)),
            "4x10": _Metrics(2.5 * mm, (6.5, 6), (8, 6), (12, 7))}


def check_layout(layout: str) -> str:
    value = (layout or "").strip().lower().replace("×", "x")
    if value not in LAYOUTS:
        raise DomainError(f"标签版式“{layout}”不受支持，只能是 3x8（每页24张）或 4x10（每页40张）。")
    return value


def per_page(layout: str) -> int:
    cols, rows = LAYOUTS[check_layout(layout)]
    return cols * rows


def label_items(kind: str | None = None) -> list[LabelItem]:
    """Units to label, grouped by kind so a sheet can be stuck on a shelf in order."""
    query = (m.ToolUnit.select(m.ToolUnit.asset_code, m.ToolKind.name).join(m.ToolKind)
             .where(m.ToolUnit.state.not_in(tool_units.OUT_OF_SERVICE)))
    if kind is not None:
        found = m.ToolKind.get_or_none(m.ToolKind.name == " ".join(kind.split()))
        if found is None:
            raise NotFound(f"工具箱中没有名为“{kind}”的工具种类，请核对名称。")
        query = query.where(m.ToolUnit.kind == found)
    # A station has hundreds of units, not thousands: sorting here by pinyin is cheap.
    items = sorted((LabelItem(row.kind.name, row.asset_code) for row in query),
                   key=lambda item: (sort_key(item.kind), item.asset_code))
    if not items:
        which = f"“{kind.strip()}”" if kind is not None else "工具箱"
        raise DomainError(f"{which}中没有可贴标签的工具（已遗失或报废的不打印），请先登记工具。")
    return items


def write_labels(out: Path, *, kind: str | None = None, layout: str | None = None) -> Path:
    """Labels for every tool unit (or one kind) on the station's label stock (or ``layout``)."""
    layout = check_layout(layout or str(settings.get("label_layout")))
    station = StationInfo.current().name
    return render_labels(station, label_items(kind), out, layout=layout)


def render_labels(station: str, items: list[LabelItem], out: Path, *, layout: str) -> Path:
    register_fonts()
    layout = check_layout(layout)
    cols, rows = LAYOUTS[layout]
    metrics = _METRICS[layout]
    page_w, page_h = A4
    cell_w, cell_h = page_w / cols, page_h / rows
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(TITLE)
    canvas.setAuthor(station)
    canvas.setCreator(CREATOR)
    count = per_page(layout)
    for start in range(0, len(items), count):
        for index, item in enumerate(items[start:start + count]):
            row, col = divmod(index, cols)
            _draw_label(canvas, item, station, col * cell_w, page_h - (row + 1) * cell_h, cell_w, cell_h, metrics)
        canvas.showPage()
    canvas.save()
    return save_atomically(out, buffer.getvalue())


def _draw_label(canvas: Canvas, item: LabelItem, station: str, x: float, y: float, w: float, h: float,
                metrics: _Metrics) -> None:
    # A faint outline helps whoever cuts plain paper and is all but invisible on pre-cut stock.
    canvas.setStrokeColor(CUT_GUIDE)
    canvas.setLineWidth(0.25)
    canvas.rect(x, y, w, h, stroke=1, fill=0)
    pad = metrics.pad
    qr = min(h - 2 * pad, w * 0.45)
    canvas.setFillColor(colors.black)
    qr_code(item.asset_code, qr, border=1).drawOn(canvas, x + pad, y + (h - qr) / 2)
    text_x = x + pad + qr + 2 * mm
    text_w = x + w - pad - text_x
    blocks = [
        _fit_block(station, text_w, metrics.station, MUTED, max_lines=2),
        _fit_block(item.kind, text_w, metrics.kind, INK, max_lines=2),
        _fit_block(item.asset_code, text_w, metrics.code, INK, max_lines=3),
    ]
    gap = 1.2 * mm
    total = sum(b.height for b in blocks) + gap * (len(blocks) - 1)
    top = y + h / 2 + total / 2
    for block in blocks:
        canvas.setFont(FONT, block.size)
        canvas.setFillColor(block.color)
        for line in block.lines:
            top -= block.size * 1.2
            # The face's descent is about a quarter of its size: the baseline sits that far above.
            canvas.drawString(text_x, top + block.size * 0.24, line)
        top -= gap


@dataclass(frozen=True)
class _Block:
    lines: list[str]
    size: float
    color: colors.Color

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * 1.2


def _fit_block(value: str, width: float, sizes: tuple[float, float], color: colors.Color, *,
               max_lines: int) -> _Block:
    """One line shrunk to fit, down to the smallest size; beyond that it wraps."""
    fitted = fit_font_size(value, width, *sizes)
    return _Block(wrap_chars(value, width, fitted, max_lines), fitted, color)
