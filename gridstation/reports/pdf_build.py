"""Building the PDF: the page-number footer, keeping short documents on one page, and saving the file
so a crash never leaves half of it."""

from __future__ import annotations

import functools
import io
import os
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
)

from gridstation.core.storage.output_files import write_problem
from gridstation.reports.fonts import FONT, register_fonts
from gridstation.reports.styles import MUTED, Styles, styles

CREATOR = "网格服务站 GridStation"


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


def fitted_story(make_story: Callable[[Styles, float], list[Flowable]], sizes: Sequence[float], *,
                 pagesize: tuple[float, float], margin: float, bottom: float) -> list[Flowable]:
    """The story at the largest type size of ``sizes`` that fits one page.

    A slip or receipt that runs a few lines over left only its signature lines on a second sheet;
    slightly smaller type keeps them with what they sign. If even the smallest size runs over, the
    story keeps the first size and flows on (its blocks kept together as the story says).
    ``make_story`` gets the styles and the frame's width.
    """
    width = pagesize[0] - 2 * margin
    room = pagesize[1] - margin - bottom - 2  # the slack build_pdf leaves for rounding
    for size in sizes:
        story = make_story(styles(size), width)
        if _story_height(_unbreakable(story), width) <= room:
            return story
    return make_story(styles(sizes[0]), width)


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
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise write_problem(out, exc) from exc
    return out
