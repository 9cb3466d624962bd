"""Where the GUI writes documents before previewing them, and the one call that previews them."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QWidget


def print_folder() -> Path:
    folder = Path(tempfile.gettempdir()) / "gridstation-print"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_pdf_path(stem: str) -> Path:
    return print_folder() / f"{stem}-{dt.datetime.now():%H%M%S%f}.pdf"


def preview_receipt(parent: QWidget, serial: str) -> Path:
    """Write the 受理回执 for ``serial`` and open it in the preview; returns the PDF path."""
    from gridstation.reports.receipt import write_receipt
    from gridstation.ui.pdf_preview import show_pdf

    path = write_receipt(serial, new_pdf_path(serial))
    show_pdf(parent, path, f"受理回执 {serial}")
    return path
