"""The documents' colours and paragraph styles, scaled from one body size, and the plain text and
spacing pieces."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    Paragraph,
    Spacer,
)

from gridstation.reports.fonts import FONT, register_fonts

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#b4b4b4")
SHADE = colors.HexColor("#f3f3f3")
ACCENT = colors.HexColor("#b0211c")  # the red of official titles, used only for warnings and samples
NBSP = "&nbsp;"
# Body sizes a one-sheet document (A5 receipt, loan slip) tries in turn before it runs onto a second page.
ONE_PAGE_SIZES = (10.0, 9.5, 9.0, 8.5)


@dataclass(frozen=True)
class Styles:
    """Paragraph styles for Chinese text (CJK line breaking), scaled from one body size."""

    station: ParagraphStyle  # station name atop a document
    subtitle: ParagraphStyle  # address and phone under the station name
    title: ParagraphStyle  # the document title
    sample: ParagraphStyle  # the "sample" mark on documents rendered without real data
    heading: ParagraphStyle  # section heading
    body: ParagraphStyle
    small: ParagraphStyle
    label: ParagraphStyle  # left column of a key/value row
    value: ParagraphStyle
    strong: ParagraphStyle  # a value that must stand out (serial number, due date)
    caption: ParagraphStyle  # centred small text, e.g. under a QR code
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_right: ParagraphStyle  # numbers in tables
    cell_head: ParagraphStyle


SMALL_RATIO = 0.8  # small print (notes, footers) against the body size


@functools.cache
def styles(size: float = 10.0) -> Styles:
    """The shared styles at body size ``size`` (10 pt on A4/A5, smaller on 80 mm roll paper).

    Cached and shared by every document: derive a new ParagraphStyle rather than modify one.
    """
    register_fonts()

    def style(name: str, ratio: float, *, color: colors.Color = INK, align: int = TA_LEFT,
              leading: float = 1.4, before: float = 0, after: float = 0, wrap: str | None = "CJK") -> ParagraphStyle:
        font_size = size * ratio
        return ParagraphStyle(
            f"{name}-{size}", fontName=FONT, fontSize=font_size, leading=font_size * leading,
            textColor=color, alignment=align, wordWrap=wrap, splitLongWords=wrap is not None,
            spaceBefore=before, spaceAfter=after,
        )

    return Styles(
        station=style("station", 1.45, align=TA_CENTER, leading=1.3),
        subtitle=style("subtitle", 0.85, color=MUTED, align=TA_CENTER, after=size * 0.2),
        title=style("title", 1.9, align=TA_CENTER, leading=1.3, before=size * 0.2, after=size * 0.1),
        sample=style("sample", 0.9, color=ACCENT, align=TA_CENTER),
        heading=style("heading", 1.1, leading=1.3, before=size * 0.8, after=size * 0.3),
        body=style("body", 1.0),
        small=style("small", SMALL_RATIO, color=MUTED),
        label=style("label", 0.9, color=MUTED, leading=1.55),
        value=style("value", 1.0),
        strong=style("strong", 1.3, leading=1.25),
        caption=style("caption", 0.75, color=MUTED, align=TA_CENTER, leading=1.3),
        cell=style("cell", 0.9),
        cell_center=style("cell_center", 0.9, align=TA_CENTER),
        # Numbers break only at spaces: CJK wrapping put 「100.0」 over 「%」 in a narrow column.
        cell_right=style("cell_right", 0.9, align=TA_RIGHT, wrap=None),
        cell_head=style("cell_head", 0.9, color=MUTED, align=TA_CENTER),
    )


def text(value: object, style: ParagraphStyle) -> Paragraph:
    """User data as a paragraph: markup characters escaped (a name with & or < must print as typed)."""
    return Paragraph(escape(str(value)).replace("\n", "<br/>"), style)


def spacer(height: float) -> Spacer:
    return Spacer(1, height)
