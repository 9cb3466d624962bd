"""One print path for every document (issue 23.3, 23.7, 23.12).

A preview closed with Esc records no print; Ctrl+P records 打印… when the print happens, with that
moment's time and where it went. The printer gets the document's own paper (A5, A4, the 80 mm roll),
a PDF file receives the document's own pages (text and font, not a picture), and where only a picture
can be painted it is at the printer's resolution, at most 300 dpi. Page sizes are read back with
pdfinfo, text with pdftotext, picture resolutions with pdfimages.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import subprocess
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QWidget

from gridstation.core.intake import intakes, material_check, residents
from gridstation.core.intake.material_rules import DEFERRED
from gridstation.core.rules import clock
from gridstation.core.station import catalog
from gridstation.core.storage import paths
from gridstation.reports import samples
from gridstation.ui.common import print_job, printing
from gridstation.ui.common.pdf_preview import PdfPreviewDialog
from gridstation.ui.intake.materials_widgets import preview_material_document
from tests.conftest import pdf_text
from tests.helpers import activate, make_id
from tests.ui.test_printing import entries, open_preview, print_with_keyboard

POINTS = re.compile(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts")
A4_PTS, A5_PTS = (595, 842), (420, 595)
ROLL_WIDTH_PTS = 227  # 80 mm


def page_sizes(pdf: Path) -> list[tuple[int, int]]:
    """Every page's size in whole points, as pdfinfo reads the file."""
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True)
    return [(round(float(w)), round(float(h))) for w, h in POINTS.findall(info.stdout)]


def picture_ppi(pdf: Path) -> list[int]:
    """The resolution of every picture in ``pdf`` (pdfimages -list's x-ppi column)."""
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [int(line.split()[12]) for line in listing.splitlines()[2:] if line.strip()]


def sample(name: str, out: Path) -> Path:
    """The selftest's sample of document ``name`` (or the station's newest), written to ``out``."""
    return next(render for n, _file, render in samples.DOCUMENTS if n == name)(out)


def pdf_printer(out: Path) -> QPrinter:
    """Qt's PDF printer as the print dialog leaves it for "print to file" (high resolution: 1 200 dpi)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    return printer


@pytest.fixture
def pledge(clerk):
    zhang = residents.save_resident(clerk, residents.ResidentInput(name="张三", doc_number=make_id()))
    unemployment = intakes.IntakeInput(zhang.id, catalog.UNEMPLOYMENT, details={"docs_checked": True})
    return material_check.create_checked_intake(clerk, unemployment, ["居民身份证", "户口簿"], mode=DEFERRED,
                                                deadline=clock.today() + dt.timedelta(days=3))


@pytest.fixture
def counter(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    yield window
    for top in QApplication.topLevelWidgets():
        if isinstance(top, PdfPreviewDialog):
            top.close()


def test_a_pledge_closed_with_esc_is_not_printed_and_its_print_carries_the_prints_time(
        qtbot, db_path, clerk, pledge, counter, tmp_path, monkeypatch):
    preview_material_document(counter, clerk, pledge.serial, DEFERRED)
    preview = open_preview()
    activate(qtbot, preview)
    qtbot.keyClick(preview, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not preview.isVisible())
    assert [e.entity_id for e in entries("预览容缺受理承诺书")] == [pledge.serial]
    assert entries("打印容缺受理承诺书") == [] and not preview.printed

    preview_material_document(counter, clerk, pledge.serial, DEFERRED)
    shown = entries("预览容缺受理承诺书")[-1].at
    later = shown + dt.timedelta(hours=2)  # the clerk prints two hours after the preview opened
    monkeypatch.setattr(clock, "now", lambda: later)
    out = tmp_path / "pledge.pdf"
    print_with_keyboard(qtbot, open_preview(), out)
    printed = entries("打印容缺受理承诺书")
    assert [(e.entity_id, e.username, e.at) for e in printed] == [(pledge.serial, "clerk", later)]
    assert '"pledge.pdf"' in printed[0].after  # where it went
    assert page_sizes(out) == [A4_PTS] and "容缺受理承诺书" in pdf_text(out)  # the document's paper, as text


def test_a_receipt_printed_to_a_file_is_the_receipt_itself_on_a5(qtbot, db_path, clerk, counter, tmp_path):
    zhang = residents.save_resident(clerk, residents.ResidentInput(name="张三", doc_number=make_id()))
    intake = intakes.create_intake(clerk, intakes.IntakeInput(zhang.id, catalog.UNEMPLOYMENT,
                                                              details={"docs_checked": True}))
    made = printing.preview_receipt(counter, clerk, intake.serial)
    out = tmp_path / "receipt.pdf"
    print_with_keyboard(qtbot, open_preview(), out)
    assert page_sizes(out) == page_sizes(made) == [A5_PTS]
    assert intake.serial in pdf_text(out) and picture_ppi(out) == []  # text, not a picture of it
    assert out.stat().st_size < 2 * made.stat().st_size


@pytest.mark.parametrize("name", ["受理回执（A5）", "受理回执（80毫米卷纸）", "借用单", "一次性告知单", "月度统计"])
def test_the_printer_is_given_each_documents_paper_and_pictures_at_most_300_dpi(db_path, tmp_path, name):
    """Where only QtPdf's picture of a page can be printed, it goes on the document's paper, not A4 at 1 200 dpi."""
    made = sample(name, tmp_path / "made.pdf")
    out = tmp_path / "painted.pdf"
    printer = pdf_printer(out)
    print_job.prepare(printer, made)
    sent = print_job.paint_pages(made, printer, 1, 1)
    assert sent.to_file and sent.pages == 1
    painted, own = page_sizes(out)[0], page_sizes(made)[0]
    assert painted == own
    if name.startswith("受理回执（8"):
        assert painted[0] == ROLL_WIDTH_PTS
    assert picture_ppi(out) and max(picture_ppi(out)) <= print_job.RASTER_DPI


def test_a_report_printed_to_a_file_is_sent_off_the_gui_thread_at_its_own_size(
        qtbot, db_path, admin, counter, tmp_path, monkeypatch):
    from gridstation.core.station import printouts

    made = sample("月度统计", tmp_path / "月度统计.pdf")
    senders: list[threading.Thread] = []
    real = print_job.send

    def watched(pdf: Path, printer: QPrinter) -> print_job.Sent:
        senders.append(threading.current_thread())
        return real(pdf, printer)

    monkeypatch.setattr(print_job, "send", watched)
    printing.preview_document(counter, admin, made, "月度统计", printouts.REPORT, "2026年12月 月度统计")
    for copy in ("first.pdf", "second.pdf"):
        print_with_keyboard(qtbot, open_preview(), tmp_path / copy)
        assert page_sizes(tmp_path / copy) == page_sizes(made)
        assert (tmp_path / copy).stat().st_size == made.stat().st_size
    assert len(senders) == 2 and threading.main_thread() not in senders
    assert [e.entity_id for e in entries("打印统计报表")] == ["2026年12月 月度统计"] * 2


def test_printed_copies_stay_in_the_users_own_folder_and_old_ones_are_removed(db_path, monkeypatch):
    folder = paths.print_dir()
    folder.mkdir(parents=True, exist_ok=True)
    old, recent = folder / "old-receipt.pdf", folder / "recent-receipt.pdf"
    for path, days in ((old, printing.KEEP_DAYS + 1), (recent, 1)):
        path.write_bytes(b"%PDF")
        stamp = clock.now().timestamp() - days * 86400
        os.utime(path, (stamp, stamp))
    monkeypatch.setattr(printing, "_cleaned", set())
    made = printing.new_pdf_path("SL001")
    assert made.parent == folder and not str(folder).startswith("/tmp/gridstation-print")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(made.stat().st_mode) == 0o600
    assert not old.exists() and recent.exists()
