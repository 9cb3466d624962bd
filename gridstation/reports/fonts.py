"""The bundled CJK font and the drawing pieces every document shares.

A receipt, a loan slip, a label sheet and the monthly statistics must look like they come from
the same station and print the same on every PC, so the font, the header, the key/value rows,
the signature lines and the QR code are drawn here once and reused, never copied.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import os
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    HRFlowable,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from gridstation.core.rules.errors import DomainError
from gridstation.core.storage import settings
from gridstation.core.storage.paths import resource

FONT = "WenQuanYiMicroHei"
CREATOR = "网格服务站 GridStation"
INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#b4b4b4")
SHADE = colors.HexColor("#f3f3f3")
ACCENT = colors.HexColor("#b0211c")  # the red of official titles, used only for warnings and samples
NBSP = "&nbsp;"

Value = str | Flowable  # a table cell: plain text (escaped and wrapped for you) or a ready flowable

_lock = threading.Lock()
_registered = False


def register_fonts() -> str:
    """Register the bundled font once per process and return its name.

    Parsing the 5 MB collection takes about 100 ms, so later calls return at once; the lock keeps
    a document rendered on a worker thread from registering it a second time.
    """
    global _registered
    if _registered:
        return FONT
    with _lock:
        if not _registered:
            path = resource("fonts", "wqy-microhei.ttc")
            if not path.is_file():
                raise DomainError(f"缺少打印字体文件：{path}。请重新安装网格服务站。")
            pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
            _forbid_line_start_punctuation()
            # Only one face is bundled: <b> and <i> in a paragraph fall back to it instead of failing.
            pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)
            _registered = True
    return FONT


def _forbid_line_start_punctuation() -> None:
    """Keep ，；：！？ and closing quotes off the start of a line (Chinese typesetting rule).

    ReportLab's CJK line breakers list only Japanese and ASCII punctuation; a Chinese comma
    opening a line looks like a misprint on an official slip. Both breakers (one-style and
    mixed-style paragraphs) read a module-level string at each break, so extending it once is enough.
    """
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    extra = "，；：！？％…’”》〉"
    for module in (textsplit, paragraph):
        module.ALL_CANNOT_START += "".join(c for c in extra if c not in module.ALL_CANNOT_START)


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
              leading: float = 1.4, before: float = 0, after: float = 0) -> ParagraphStyle:
        font_size = size * ratio
        return ParagraphStyle(
            f"{name}-{size}", fontName=FONT, fontSize=font_size, leading=font_size * leading,
            textColor=color, alignment=align, wordWrap="CJK", spaceBefore=before, spaceAfter=after,
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
        cell_right=style("cell_right", 0.9, align=TA_RIGHT),
        cell_head=style("cell_head", 0.9, color=MUTED, align=TA_CENTER),
    )


def text(value: object, style: ParagraphStyle) -> Paragraph:
    """User data as a paragraph: markup characters escaped (a name with & or < must print as typed)."""
    return Paragraph(escape(str(value)).replace("\n", "<br/>"), style)


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


def fit_font_size(value: str, width: float, largest: float, smallest: float) -> float:
    """The largest size (down to ``smallest``) at which one line of ``value`` fits ``width``."""
    measured = pdfmetrics.stringWidth(value, FONT, 1.0)
    if measured <= 0:
        return largest
    # Rounded down to 0.1 pt so the line measured again at that size is sure to fit.
    return max(smallest, min(largest, math.floor(width / measured * 10) / 10))


def wrap_chars(value: str, width: float, size: float, max_lines: int) -> list[str]:
    """Break a line character by character (Chinese has no spaces); the last line ends in … if cut."""
    lines: list[str] = []
    current = ""
    for char in value:
        if pdfmetrics.stringWidth(current + char, FONT, size) > width and current:
            lines.append(current)
            current = char
        else:
            current += char
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and pdfmetrics.stringWidth(last + "…", FONT, size) > width:
            last = last[:-1]
        lines = lines[:max_lines - 1] + [last + "…"]
    return lines


def cn_date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value: dt.datetime) -> str:
    return f"{cn_date(value)} {value:%H:%M}"


class _FooterCanvas(Canvas):
    """Holds pages back until the end so the footer can say 第n页／共N页 (only when N > 1)."""

    def __init__(self, *args: object, footer: str, footer_y: float, **kw: object) -> None:
        super().__init__(*args, **kw)
        self._footer = footer
        self._footer_y = footer_y
        self._pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            line = self._footer + (f"　第{number}页／共{total}页" if total > 1 else "")
            self.setFont(FONT, 7.5)
            self.setFillColor(MUTED)
            self.drawCentredString(self._pagesize[0] / 2, self._footer_y, line)
            super().showPage()
        super().save()


def _unbreakable(story: Sequence[Flowable]) -> list[Flowable]:
    """The story for a page that never breaks: keep-together wrappers opened, page-break guards dropped.

    Both only matter at a page break; left in, a guard could split a roll and a wrapper reports
    no height of its own.
    """
    out: list[Flowable] = []
    for flowable in story:
        if isinstance(flowable, KeepTogether):
            out += _unbreakable(flowable._content)
        elif not isinstance(flowable, CondPageBreak):
            out.append(flowable)
    return out


def _story_height(story: Sequence[Flowable], width: float) -> float:
    """The height a frame of ``width`` needs for the whole story, measured as the frame does.

    Like the frame, the space after one flowable and the space before the next overlap
    (ReportLab's overlapAttachedSpace) and the first flowable's space before is dropped.
    """
    total = previous_after = 0.0
    for index, flowable in enumerate(story):
        _, height = flowable.wrap(width, 1e6)
        before = max(flowable.getSpaceBefore() - previous_after, 0) if index else 0
        previous_after = flowable.getSpaceAfter()
        total += before + height + previous_after
    return total


def build_pdf(out: Path, story: list[Flowable], *, pagesize: tuple[float, float | None], title: str,
              author: str, margin: float = 12 * mm, bottom: float | None = None, footer: str = "") -> Path:
    """Lay out ``story`` and write the PDF to ``out`` in one step.

    A height of None sizes the page to its content (roll paper). The file appears only once the
    PDF is complete, so a failed render never leaves a half-written file behind.
    """
    register_fonts()
    bottom = margin if bottom is None else bottom
    page_w, page_h = pagesize
    if page_h is None:
        # A couple of points of slack absorb rounding in the frame's fit test.
        story = _unbreakable(story)
        page_h = _story_height(story, page_w - 2 * margin) + margin + bottom + 2
    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=(page_w, page_h), leftMargin=margin, rightMargin=margin,
                          topMargin=margin, bottomMargin=bottom, title=title, author=author,
                          creator=CREATOR, subject=title)
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("page", frames=[frame])])
    canvasmaker = functools.partial(_FooterCanvas, footer=footer, footer_y=bottom / 2) if footer else Canvas
    doc.build(story, canvasmaker=canvasmaker)
    return save_atomically(out, buffer.getvalue())


def save_atomically(out: Path, data: bytes) -> Path:
    """Write via a temporary file and rename; a PDF open in a viewer gets a message, not a traceback."""
    out = Path(out)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "xb") as handle:
            handle.write(data)
        os.replace(tmp, out)
    except FileNotFoundError as exc:
        raise DomainError(f"无法写入文件 {out}：文件夹 {out.parent} 不存在。") from exc
    except PermissionError as exc:
        tmp.unlink(missing_ok=True)
        raise DomainError(f"无法写入文件 {out}：没有写入权限，或文件正被其他程序打开（请关闭后重试）。") from exc
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DomainError(f"无法写入文件 {out}：{exc.strerror or exc}（磁盘可能已满）。") from exc
    return out


def spacer(height: float) -> Spacer:
    return Spacer(1, height)
