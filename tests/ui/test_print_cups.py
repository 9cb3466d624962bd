"""Printing to a CUPS queue sends the PDF itself on the document's paper (issue 23.12).

A private cupsd (its own folders and socket under the test's folder, never the PC's CUPS) gets a
queue with the CUPS-PDF driver (printer-driver-cups-pdf) whose output goes to a file. The preview
prints to it in a fresh process (Qt reads the list of CUPS queues once per process), and what the
queue produced is read back with pdfinfo. Without the media option CUPS would put an A5 receipt
on the queue's default A4. Skipped, with the reason, where cupsd or the driver is not installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.ui.test_print_path import A4_PTS, A5_PTS, ROLL_WIDTH_PTS, page_sizes, sample

PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
CUPSD = shutil.which("cupsd") or shutil.which("cupsd", path="/usr/sbin:/sbin")
QUEUE = "GridStationPDF"
PRINT = """
import sys
from pathlib import Path
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication
from gridstation.ui.common import print_job
from gridstation.ui.common.pdf_preview import PdfPreviewDialog

app = QApplication([])
preview = PdfPreviewDialog(Path(sys.argv[1]), "test")
printer = QPrinter(QPrinter.PrinterMode.HighResolution)
printer.setPrinterName(sys.argv[2])
assert printer.outputFormat() == QPrinter.OutputFormat.NativeFormat, "Qt does not see the CUPS queue"
print_job.prepare(printer, preview.path)  # as the preview does before its print dialog
ok = preview.print_to(printer)
print(ok, preview.info.text())
"""


def missing() -> str:
    needed = {"cupsd": CUPSD, "lpadmin": shutil.which("lpadmin"), "lp": shutil.which("lp"),
              "ps2pdf": shutil.which("ps2pdf"), "the CUPS-PDF driver": PPD.exists() or None}
    return ", ".join(name for name, found in needed.items() if not found)


@pytest.fixture
def cups_queue():
    """A private cupsd with one queue writing to ``out/job.ps``; yields (environment, output file).

    Its folder is under the system's temporary folder, readable on the way: CUPS runs its filters
    as its own unprivileged user, which cannot enter pytest's private folders.
    """
    if missing():
        pytest.skip(f"CUPS is not installed here (missing: {missing()}); apt-get install cups printer-driver-cups-pdf")
    root = Path(tempfile.mkdtemp(prefix="gridstation-cups-"))
    root.chmod(0o755)
    for folder in ("etc", "spool", "tmp", "cache", "run", "log", "out"):
        (root / folder).mkdir(parents=True)
    (root / "tmp").chmod(0o1777)
    (root / "out").chmod(0o1777)
    socket = root / "cups.sock"
    (root / "etc" / "cupsd.conf").write_text(
        f"Listen {socket}\nBrowsing Off\nWebInterface No\nDefaultAuthType None\n"
        "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n")
    (root / "etc" / "cups-files.conf").write_text(
        "".join(f"{key} {root / sub}\n" for key, sub in (
            ("ServerRoot", "etc"), ("RequestRoot", "spool"), ("TempDir", "tmp"), ("CacheDir", "cache"),
            ("StateDir", "run"), ("ErrorLog", "log/error_log"), ("AccessLog", "log/access_log"),
            ("PageLog", "log/page_log"), ("Printcap", "run/printcap")))
        + "FileDevice Yes\n" + ("SystemGroup root\n" if os.geteuid() == 0 else ""))
    daemon = subprocess.Popen([CUPSD, "-f", "-c", str(root / "etc" / "cupsd.conf"), "-s",
                               str(root / "etc" / "cups-files.conf")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            if socket.exists() or daemon.poll() is not None:
                break
            time.sleep(0.05)
        if not socket.exists():
            said = daemon.stderr.read().decode(errors="replace")[:200] if daemon.poll() is not None else "no socket"
            pytest.skip(f"cupsd would not start here: {said}")
        env = {**os.environ, "CUPS_SERVER": str(socket)}
        out = root / "out" / "job.ps"
        subprocess.run(["lpadmin", "-p", QUEUE, "-E", "-v", f"file://{out}", "-P", str(PPD)], env=env, check=True,
                       capture_output=True)
        yield env, out
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def print_through_queue(pdf: Path, env: dict[str, str], out: Path, tmp_path: Path) -> Path:
    """Print ``pdf`` from the preview in a fresh process, wait for the queue, return its output as a PDF."""
    out.unlink(missing_ok=True)
    done = subprocess.run([sys.executable, "-c", PRINT, str(pdf), QUEUE], env={**env, "QT_QPA_PLATFORM": "offscreen"},
                          capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.startswith("True") and f"已送往打印机“{QUEUE}”" in done.stdout, done.stdout + done.stderr
    for _ in range(600):
        idle = not subprocess.run(["lpstat", "-o", QUEUE], env=env, capture_output=True, text=True).stdout.strip()
        if idle:
            break
        time.sleep(0.05)
    log = (out.parent.parent / "log" / "error_log").read_text(errors="replace")
    assert idle and out.exists() and out.stat().st_size, log[-2000:]
    as_pdf = tmp_path / f"{pdf.stem}-queued.pdf"
    subprocess.run(["ps2pdf", str(out), str(as_pdf)], check=True, capture_output=True)
    return as_pdf


@pytest.mark.parametrize(("name", "paper"), [("受理回执（A5）", A5_PTS), ("一次性告知单", A4_PTS),
                                             ("受理回执（80毫米卷纸）", None)])
def test_a_cups_queue_prints_each_document_on_its_own_paper(db_path, cups_queue, tmp_path, name, paper):
    env, out = cups_queue
    made = sample(name, tmp_path / "made.pdf")
    queued = print_through_queue(made, env, out, tmp_path)
    if paper is None:  # the roll: 80 mm wide, as long as the receipt
        own = page_sizes(made)[0]
        assert own[0] == ROLL_WIDTH_PTS and abs(page_sizes(queued)[0][0] - own[0]) <= 1
        assert abs(page_sizes(queued)[0][1] - own[1]) <= 3
    else:  # PostScript's A5 is 421 pt wide, ISO's 419.5
        assert len(page_sizes(queued)) == len(page_sizes(made))
        assert all(abs(w - paper[0]) <= 1 and abs(h - paper[1]) <= 1 for w, h in page_sizes(queued))
