"""Sending a PDF the program made to the printer chosen in Qt's print dialog, off the GUI thread.

Every document is a PDF first (ReportLab, with its font and its own paper: A5, A4 or the 80 mm
roll), so printing sends that PDF rather than a picture of it wherever the platform allows:

- a PDF file (Qt's "print to file"): the document's own PDF, copied — text, font and paper kept;
- a CUPS queue (Linux): the PDF itself through ``lp``, with the document's paper as the media;
- elsewhere (Windows' own drivers) only QtPdf's picture of each page can be painted: at the
  printer's resolution, at most ``RASTER_DPI``, on paper of the document's size.

The paper and orientation come from the document's first page (``page_layout``), so a receipt
goes out on A5 or the roll and a report on A4 without a table of documents to keep in step.
``send`` runs on a worker thread (``ui.background``): a six-page report must not freeze the window.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPoint, QSize, QSizeF, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from gridstation.core.rules.errors import DomainError

RASTER_DPI = 300  # a picture of a page at 1 200 dpi is 35 MB a page and no sharper on paper
LP_TIMEOUT_S = 60
# QtPdf's render and the printer's drawImage hold Python's GIL for a few hundred ms each; a pause
# after each lets the GUI thread, which waits for the GIL at every Python hook, catch up.
YIELD_S = 0.05
NOT_STARTED = "无法开始打印：请检查打印机是否已连接、已开机。"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sent:
    """Where a print went: ``to_file`` (a PDF file, ``target`` its path) or a printer (its name)."""

    to_file: bool
    target: str
    pages: int


def page_layout(pdf: Path) -> QPageLayout:
    """The paper of ``pdf``'s first page: a standard size (A5, A4) when it is one, else its own (the roll)."""
    document = QPdfDocument()
    document.load(str(pdf))
    points = document.pagePointSize(0)
    document.close()
    landscape = points.width() > points.height()
    if landscape:
        points = QSizeF(points.height(), points.width())
    size = QPageSize(points, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0))


def prepare(printer: QPrinter, pdf: Path) -> None:
    """Put the document's paper and orientation on ``printer`` before the print dialog shows it."""
    printer.setFullPage(True)  # the PDF has its margins already
    printer.setPageLayout(page_layout(pdf))


def send(pdf: Path, printer: QPrinter) -> Sent:
    """Print ``pdf`` on ``printer`` as the print dialog left it; a DomainError says why not. Worker thread."""
    pages = _page_count(pdf)
    first, last = _page_range(printer, pages)
    whole = (first, last) == (1, pages)
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and whole:
        return _copy(pdf, Path(printer.outputFileName()), pages)
    if printer.outputFormat() == QPrinter.OutputFormat.NativeFormat and _is_cups_queue(printer.printerName()):
        return _lp(pdf, printer, first, last)
    return paint_pages(pdf, printer, first, last)


def _page_count(pdf: Path) -> int:
    document = QPdfDocument()
    document.load(str(pdf))
    try:
        return document.pageCount()
    finally:
        document.close()


def _page_range(printer: QPrinter, pages: int) -> tuple[int, int]:
    """The pages chosen in the dialog (1-based, inclusive); every page when no range was chosen."""
    first, last = printer.fromPage(), printer.toPage()
    if first <= 0 or last <= 0:
        return 1, pages
    return max(1, first), min(pages, last)


def _copy(pdf: Path, out: Path, pages: int) -> Sent:
    try:
        shutil.copyfile(pdf, out)
    except OSError as exc:
        log.warning("printing to %s failed: %s", out, exc)
        raise DomainError(f"无法开始打印：不能写入文件 {out}，请检查文件夹是否存在、能否写入。") from exc
    return Sent(True, str(out), pages)


def _is_cups_queue(name: str) -> bool:
    """Whether ``name`` is a queue of this PC's CUPS (Linux): then the PDF itself can be sent."""
    if not name or sys.platform == "win32" or not (shutil.which("lp") and shutil.which("lpstat")):
        return False
    try:
        answer = subprocess.run(["lpstat", "-v", name], capture_output=True, timeout=LP_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return answer.returncode == 0


def _media(layout: QPageLayout) -> str:
    """CUPS's name for the paper: A5, A4 … or Custom.80x150mm for a roll."""
    size = layout.pageSize()
    if size.id() != QPageSize.PageSizeId.Custom:
        return size.key()
    mm = size.size(QPageSize.Unit.Millimeter)
    return f"Custom.{mm.width():.0f}x{mm.height():.0f}mm"


def _lp(pdf: Path, printer: QPrinter, first: int, last: int) -> Sent:
    """The PDF itself to the CUPS queue, on the document's paper, in the dialog's copies and pages."""
    layout = printer.pageLayout()
    command = ["lp", "-d", printer.printerName(), "-n", str(max(1, printer.copyCount())),
               "-o", f"media={_media(layout)}", "-o", f"page-ranges={first}-{last}", "-t", printer.docName() or pdf.stem]
    if layout.orientation() == QPageLayout.Orientation.Landscape:
        command += ["-o", "landscape"]
    try:
        answer = subprocess.run([*command, str(pdf)], capture_output=True, text=True, timeout=LP_TIMEOUT_S,
                                check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("lp failed: %s", exc)
        raise DomainError(NOT_STARTED) from exc
    if answer.returncode != 0:
        log.warning("lp refused the job (%s): %s", answer.returncode, answer.stderr.strip())
        raise DomainError(f"打印机“{printer.printerName()}”没有接受打印任务，请检查打印机是否已连接、已开机。")
    return Sent(False, printer.printerName(), last - first + 1)


def paint_pages(pdf: Path, printer: QPrinter, first: int, last: int) -> Sent:
    """QtPdf's picture of each page, at the printer's resolution (at most ``RASTER_DPI``), at its own size."""
    printer.setResolution(min(printer.resolution(), RASTER_DPI))
    document = QPdfDocument()
    document.load(str(pdf))
    painter = QPainter()
    if not painter.begin(printer):
        document.close()
        raise DomainError(NOT_STARTED)
    try:
        dpi = printer.resolution()
        for index, page in enumerate(range(first - 1, last)):
            if index:
                printer.newPage()
            points = document.pagePointSize(page)
            wanted = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            room = painter.viewport().size()
            if wanted.width() > room.width() or wanted.height() > room.height():
                wanted = wanted.scaled(room, Qt.AspectRatioMode.KeepAspectRatio)
            image = document.render(page, wanted)
            time.sleep(YIELD_S)
            painter.drawImage(QPoint(0, 0), image)
            time.sleep(YIELD_S)
    finally:
        painter.end()
        document.close()
    target = printer.outputFileName() if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat else ""
    return Sent(bool(target), target or printer.printerName(), last - first + 1)
