"""The page pieces every document shares: the station's header, sections, key/value rows, tables,
notice boxes, signature lines and the QR code.

A receipt, a loan slip, a label sheet and the monthly statistics must look like they come from the same
station and print the same on every PC, so these are drawn here once and reused, never copied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    Paragraph,
    Table,
    TableStyle,
)

from gridstation.core.storage import settings
from gridstation.reports.fonts import FONT
from gridstation.reports.styles import ACCENT, INK, NBSP, RULE, SHADE, Styles, text

Value = str | Flowable  # a table cell: plain text (escaped and wrapped for you) or a ready flowable


def qr_code(value: str, size: float, *, border: int = 2) -> Flowable:
    """A square QR code flowable; on a canvas draw it with ``.drawOn(canvas, x, y)``.

    Level M survives a smudged or creased print; a two-module quiet zone is enough for the
    handheld scanners stations use and leaves more of a small label for the code itself.
    """
    return QrCode(value, width=size, height=size, qrBorder=border, qrLevel="M")


@dataclass(frozen=True)
class StationInfo:
    name: str
    address: str = ""
    phone: str = ""

    @classmethod
    def current(cls) -> StationInfo:
        """The station as configured in settings (needs the database open)."""
        return cls(str(settings.get("station_name") or ""), str(settings.get("station_address") or ""),
                   str(settings.get("station_phone") or ""))


def header(station: StationInfo, title: str, st: Styles, width: float, *, sample: bool = False) -> list[Flowable]:
    """Station name, its address and phone, the document title and a double rule.

    Address and phone share a line when they fit; otherwise each gets its own line, so a phone
    number is never broken in two.
    """
    items: list[Flowable] = [text(station.name, st.station)]
    contact = [x for x in (station.address and f"地址：{station.address}",
                           station.phone and f"电话：{station.phone}") if x]
    gap = 4
    one_line = sum(pdfmetrics.stringWidth(x, FONT, st.subtitle.fontSize) for x in contact)
    if len(contact) > 1 and one_line + gap * st.subtitle.fontSize / 2 > width:
        items += [text(x, st.subtitle) for x in contact]
    elif contact:
        # Paragraphs collapse every space, the ideographic one too; &nbsp; keeps the gap.
        items.append(Paragraph((NBSP * gap).join(escape(x) for x in contact), st.subtitle))
    items.append(text(title, st.title))
    if sample:
        items.append(text("样例 · 仅供自检，非正式单据", st.sample))
    items.append(HRFlowable(width="100%", thickness=1.4, color=INK, spaceBefore=3, spaceAfter=1.2))
    items.append(HRFlowable(width="100%", thickness=0.4, color=INK, spaceAfter=st.body.fontSize * 0.6))
    return items


def label_width(labels: Sequence[str], st: Styles, *, maximum: float) -> float:
    """One label column wide enough for the longest label (up to ``maximum``, then it wraps).

    Documents use one width for all their key/value tables so the values line up between sections.
    """
    widest = max((pdfmetrics.stringWidth(x, FONT, st.label.fontSize) for x in labels), default=0)
    return min(maximum, widest + 4 + st.label.fontSize)


def section(title: str, st: Styles) -> list[Flowable]:
    """A section heading that moves to the next page rather than end a page alone.

    A page-break guard, not keepWithNext: that would carry a long table whole to the next page
    and leave most of this one blank.
    """
    room = st.heading.spaceBefore + st.heading.leading + st.heading.spaceAfter + st.body.leading * 3
    return [CondPageBreak(room), text(title, st.heading)]


def key_values(rows: Sequence[tuple[str, Value]], width: float, st: Styles, *, label_width: float,
               columns: int = 1) -> Table:
    """Label/value rows with hairlines between them; long values wrap inside their column.

    ``columns`` > 1 sets that many pairs side by side (short facts such as name and phone).
    Rows may split across pages (``splitInRow``), so a very long value never overflows the frame.
    """
    cells: list[Value] = []
    for label, value in rows:
        cells += [text(label, st.label), value if isinstance(value, Flowable) else text(value or "—", st.value)]
    per_row = 2 * columns
    cells += [""] * (-len(cells) % per_row)
    data = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
    pair = width / columns
    pad = 2.0
    commands: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), pad),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    # The smaller grey label is pushed down to sit on its value's first baseline.
    for r, row in enumerate(data):
        for c in range(0, per_row, 2):
            value_size = getattr(getattr(row[c + 1], "style", None), "fontSize", st.value.fontSize)
            commands.append(("TOPPADDING", (c, r), (c, r), pad + max(0.0, value_size - st.label.fontSize)))
    table = Table(data, colWidths=[label_width, pair - label_width] * columns, splitInRow=st.body.leading * 2,
                  hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


def key_values_with_qr(rows: Sequence[tuple[str, Value]], code: str, caption: str, width: float, st: Styles, *,
                       label_width: float, qr_size: float = 26 * mm) -> Table:
    """The top of a slip: its key facts on the left, the QR code of its number on the right."""
    gap = 6 * mm
    qr = qr_code(code, qr_size)
    qr.hAlign = "RIGHT"
    table = Table([[key_values(rows, width - qr_size - gap, st, label_width=label_width),
                    [qr, text(caption, st.caption)]]], colWidths=[width - qr_size - gap, qr_size + gap])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ("LEFTPADDING", (1, 0), (1, 0), gap),
    ]))
    return table


def grid_table(head: Sequence[str], rows: Sequence[Sequence[Value]], widths: Sequence[float], st: Styles,
               *, aligns: Sequence[str] = ()) -> Table:
    """A ruled table with a shaded header row repeated on every page (item lists, statistics).

    ``aligns`` gives "left", "center" or "right" per column for plain-text cells.
    """
    cell_style = {"left": st.cell, "center": st.cell_center, "right": st.cell_right}
    data: list[list[Value]] = [[text(h, st.cell_head) for h in head]]
    for row in rows:
        data.append([
            cell if isinstance(cell, Flowable)
            else text(cell, cell_style[aligns[i] if i < len(aligns) else "left"])
            for i, cell in enumerate(row)
        ])
    table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, -1), (-1, -1), 0.8, INK),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        # Room for a comma that hangs past the line end rather than start the next line.
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def notice_box(entries: Sequence[tuple[str, str]], width: float, st: Styles,
               style: ParagraphStyle | None = None) -> Table:
    """A shaded, ruled box for the station's notice or safety warnings (body style by default).

    Each entry is (lead, text); a non-empty lead (e.g. the tool's name) is set in red before its text.
    """
    rows = []
    for lead, body in entries:
        markup = escape(body).replace("\n", "<br/>")
        if lead:
            markup = f'<font color="#{ACCENT.hexval()[2:]}">{escape(lead)}</font>{NBSP * 2}{markup}'
        rows.append([Paragraph(markup, style or st.body)])
    box = Table(rows, colWidths=[width], splitInRow=st.body.leading * 2)
    box.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.5, RULE),
        ("BACKGROUND", (0, 0), (-1, -1), SHADE),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("TOPPADDING", (0, 0), (-1, 0), 4),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 5),
    ]))
    return box


class _WholeTable(Table):
    """A table that moves to the next page whole instead of splitting between rows.

    Unlike KeepTogether it reports its real height, so it can itself sit inside a KeepTogether.
    """

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 - ReportLab's names
        return []


def signature_lines(labels: Sequence[str], width: float, st: Styles, *, columns: int = 2) -> Table:
    """Lines to sign on, each with a date line under it, ``columns`` signatures side by side.

    The line row is tall enough for a handwritten name; the block never splits, so a page break
    never separates a signature line from its date.
    """
    gap = 8 * mm if columns > 1 else 0
    slot = (width - gap * (columns - 1)) / columns
    label_w = max(pdfmetrics.stringWidth(label, FONT, st.body.fontSize) for label in labels) + 4
    date = Paragraph(f"年{NBSP * 6}月{NBSP * 6}日", st.cell_right)
    data: list[list[Value]] = []
    commands: list[tuple] = [("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                             ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    widths: list[float] = []
    for c in range(columns):
        widths += [label_w, slot - label_w] + ([gap] if c < columns - 1 else [])
    heights: list[float] = []
    for start in range(0, len(labels), columns):
        line_row: list[Value] = []
        date_row: list[Value] = []
        r = len(data)
        for c, label in enumerate(labels[start:start + columns]):
            line_row += [text(label, st.body), ""] + ([""] if c < columns - 1 else [])
            date_row += ["", date] + ([""] if c < columns - 1 else [])
            col = c * 3 + 1
            commands.append(("LINEBELOW", (col, r), (col, r), 0.6, INK))
        missing = len(widths) - len(line_row)
        data += [line_row + [""] * missing, date_row + [""] * missing]
        heights += [st.body.leading * 2.4, st.body.leading * 1.2]
    table = _WholeTable(data, colWidths=widths, rowHeights=heights, hAlign="LEFT", spaceBefore=st.body.fontSize)
    table.setStyle(TableStyle(commands))
    return table
