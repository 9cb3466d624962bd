"""Where the GUI writes documents before previewing them, and the calls that preview them.

A preview is recorded when it is shown (预览…); the print is recorded by the preview once the
pages have gone to the printer (打印…), both through ``core/station/printouts.py``.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QWidget

from gridstation.core.rules.errors import DomainError
from gridstation.core.station import printouts
from gridstation.core.storage import models as m
from gridstation.ui.background import IsCancelled, Progress, run_and_wait
from gridstation.ui.pdf_preview import PdfPreviewDialog, show_pdf


def print_folder() -> Path:
    folder = Path(tempfile.gettempdir()) / "gridstation-print"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_pdf_path(stem: str) -> Path:
    return print_folder() / f"{stem}-{dt.datetime.now():%H%M%S%f}.pdf"


def preview_document(parent: QWidget | None, staff: m.Staff | None, path: Path, title: str,
                     document: printouts.Document, ref: str) -> PdfPreviewDialog:
    """Record the preview of ``path`` (``document`` ``ref``) and show it; its print is recorded when it happens."""
    printouts.record(staff, document, ref, printed=False)
    return show_pdf(parent, path, title,
                    on_printed=lambda: printouts.record(staff, document, ref, printed=True))


def preview_receipt(parent: QWidget, staff: m.Staff | None, serial: str) -> Path:
    """Write the 受理回执 for ``serial`` and open it in the preview; returns the PDF path.

    The PDF is written off the GUI thread (the session's first document also loads the fonts,
    about half a second); a refusal is raised as the DomainError it was.
    """
    path = new_pdf_path(serial)

    def write(_progress: Progress, _cancelled: IsCancelled) -> Path:
        # late import: ReportLab takes most of a second to load; the first receipt loads it here, off the GUI thread
        from gridstation.reports.receipt import write_receipt

        return write_receipt(serial, path)

    ok, outcome = run_and_wait(parent, write, dialog="正在生成回执……")
    if not ok:
        raise DomainError(outcome)
    preview_document(parent, staff, path, f"受理回执 {serial}", printouts.RECEIPT, serial)
    return path
