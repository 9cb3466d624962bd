"""Where the GUI writes documents before previewing them, and the one way every document is previewed.

Receipts, slips, labels, notices, pledges, agreements, stock-takes and reports all open through
``preview_document``: the preview is recorded when it is shown (预览…); the print is recorded by
the preview once the pages have gone to the printer or the file (打印…, with that moment's time and
where it went), both through ``core/station/printouts.py``. Closing the preview records nothing more.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import printouts
from gridstation.core.storage import models as m
from gridstation.core.storage import paths
from gridstation.ui.common.background import run_and_wait
from gridstation.ui.common.pdf_preview import PdfPreviewDialog, show_pdf
from gridstation.ui.common.print_job import Sent

KEEP_DAYS = 7  # a copy older than this is no longer open in any preview
_cleaned: set[Path] = set()


def print_folder() -> Path:
    """This user's own folder (0700) for the PDFs shown and printed; copies over a week old are removed."""
    folder = paths.print_dir()
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)  # mkdir's mode is cut by the umask, and an older folder may be wider
    if folder not in _cleaned:
        _cleaned.add(folder)
        _remove_old(folder)
    return folder


def _remove_old(folder: Path) -> None:
    """Delete this folder's PDFs older than ``KEEP_DAYS`` (once a session: receipts must not pile up)."""
    oldest = clock.now().timestamp() - KEEP_DAYS * 86400
    for old in folder.glob("*.pdf"):
        with contextlib.suppress(OSError):  # gone meanwhile, or held open by another program
            if old.stat().st_mtime < oldest:
                old.unlink()


def new_pdf_path(stem: str) -> Path:
    """A new file of its own (mkstemp: two prints in one second never share a name; readable by its owner only)."""
    handle, name = tempfile.mkstemp(prefix=f"{stem}-{clock.now():%H%M%S}-", suffix=".pdf", dir=print_folder())
    os.close(handle)
    return Path(name)


def preview_document(parent: QWidget | None, staff: m.Staff | None, path: Path, title: str,
                     document: printouts.Document, ref: str) -> PdfPreviewDialog:
    """Record the preview of ``path`` (``document`` ``ref``) and show it; its print is recorded when it happens."""
    printouts.record(staff, document, ref, printed=False)

    def printed(sent: Sent) -> None:
        where = {"file": Path(sent.target).name} if sent.to_file else {"printer": sent.target}
        printouts.record(staff, document, ref, printed=True, detail=where)

    return show_pdf(parent, path, title, on_printed=printed)


def preview_written(parent: QWidget, staff: m.Staff | None, write: Callable[[Path], Path], stem: str, *,
                    title: str, document: printouts.Document, ref: str, dialog: str) -> Path:
    """Write a document with ``write(path)`` off the GUI thread, then preview and record it; returns the path.

    The session's first document also loads ReportLab and the fonts (most of a second), so the
    write must not run on the GUI thread; a refusal is raised as the DomainError it was.
    """
    path = new_pdf_path(stem)
    ok, outcome = run_and_wait(parent, lambda _progress, _cancelled: write(path), dialog=dialog)
    if not ok:
        raise DomainError(outcome)
    preview_document(parent, staff, path, title, document, ref)
    return path


def preview_receipt(parent: QWidget, staff: m.Staff | None, serial: str) -> Path:
    """Write the 受理回执 for ``serial`` off the GUI thread and open it in the preview; returns the PDF path."""

    def write(path: Path) -> Path:
        # late import: ReportLab takes most of a second to load; the first receipt loads it here, off the GUI thread
        from gridstation.reports.receipt import write_receipt

        return write_receipt(serial, path)

    return preview_written(parent, staff, write, serial, title=f"受理回执 {serial}", document=printouts.RECEIPT,
                           ref=serial, dialog="正在生成回执……")


def preview_loan_slip(parent: QWidget, staff: m.Staff | None, slip_no: str) -> Path:
    """Write the 借用单 ``slip_no`` off the GUI thread and open it in the preview; returns the PDF path."""

    def write(path: Path) -> Path:
        # late import: ReportLab takes most of a second to load; the first slip loads it here, off the GUI thread
        from gridstation.reports.loan_slip import write_loan_slip

        return write_loan_slip(slip_no, path)

    return preview_written(parent, staff, write, slip_no, title=f"借用单 {slip_no}", document=printouts.SLIP,
                           ref=slip_no, dialog="正在生成借用单……")
