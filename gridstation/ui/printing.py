"""Where the GUI writes documents before previewing them, and the one call that previews them."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QWidget

from gridstation.core.errors import DomainError
from gridstation.ui.background import IsCancelled, Progress, run_and_wait


def print_folder() -> Path:
    folder = Path(tempfile.gettempdir()) / "gridstation-print"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_pdf_path(stem: str) -> Path:
    return print_folder() / f"{stem}-{dt.datetime.now():%H%M%S%f}.pdf"


def preview_receipt(parent: QWidget, serial: str) -> Path:
    """Write the 受理回执 for ``serial`` and open it in the preview; returns the PDF path.

    The PDF is written off the GUI thread (the session's first document also loads the fonts,
    about half a second); a refusal is raised as the DomainError it was.
    """
    from gridstation.ui.pdf_preview import show_pdf

    path = new_pdf_path(serial)

    def write(_progress: Progress, _cancelled: IsCancelled) -> Path:
        # late import: ReportLab takes most of a second to load; the first receipt loads it here, off the GUI thread
        from gridstation.reports.receipt import write_receipt

        return write_receipt(serial, path)

    ok, outcome = run_and_wait(parent, write, dialog="正在生成回执……")
    if not ok:
        raise DomainError(outcome)
    show_pdf(parent, path, f"受理回执 {serial}")
    return path
