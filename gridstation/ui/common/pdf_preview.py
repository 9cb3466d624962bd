"""Preview a generated PDF and print it through Qt's print dialog (receipts, slips, reports).

The caller (``ui/printing.py``) records the preview; this dialog tells it, through ``on_printed``,
when the pages really went to a printer or a file: after the print dialog was accepted and
``ui/print_job.py`` sent the PDF. Esc, a cancelled dialog or a printer that cannot start records
nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QWidget

from gridstation.core.rules.errors import DomainError
from gridstation.ui.common import local_settings, print_job
from gridstation.ui.common.background import run_and_wait
from gridstation.ui.common.forms import Form
from gridstation.ui.common.keyboard import fit_to_screen


class PdfPreviewDialog(QDialog, Form):
    FORM = "pdf_preview.ui"
    viewHost: QWidget  # the PDF view stands here (QPdfView is not one of Designer's widgets)
    info: QLabel
    closeButton: QPushButton
    printButton: QPushButton

    def __init__(self, path: Path, title: str, parent: QWidget | None = None, *,
                 on_printed: Callable[[print_job.Sent], None] | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.printed = False
        self.on_printed = on_printed
        self.setWindowTitle(f"打印预览 · {title}")
        self.setup_form()
        self.document = QPdfDocument(self)
        self.document.load(str(self.path))
        view = QPdfView(self)
        view.setDocument(self.document)
        view.setPageMode(QPdfView.PageMode.MultiPage)
        view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view = Form.place(self.viewHost, view)
        self.info.setText(f"文件：{self.path.name}　共 {self.document.pageCount()} 页")
        self.closeButton.clicked.connect(self.reject)
        self.printButton.clicked.connect(self.print_document)
        QShortcut(QKeySequence("Ctrl+P"), self, activated=self.print_document)
        fit_to_screen(self, 720, 860)  # 打印 and 关闭 stay on a 1366×768 screen

    def print_document(self) -> None:
        """Ask where to print (this PC's printer chosen in 设置, on the document's own paper), then print."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        name = local_settings.printer()
        if name:
            printer.setPrinterName(name)
        printer.setDocName(self.path.stem)
        print_job.prepare(printer, self.path)
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, self.document.pageCount())  # a range of pages can be chosen
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> bool:
        """Send the PDF to ``printer`` off the GUI thread, then report the print; False when it did not go.

        The print is reported (``on_printed``) only now that it happened, so its record carries
        this moment, not the preview's.
        """
        ok, outcome = run_and_wait(self, lambda _progress, _cancelled: print_job.send(self.path, printer),
                                   dialog="正在打印……")
        if not ok:
            self.info.setText(outcome or print_job.NOT_STARTED)
            return False
        self.printed = True
        where = f"已打印到文件：{outcome.target}" if outcome.to_file else f"已送往打印机“{outcome.target}”"
        self.info.setText(f"{where}（{outcome.pages} 页）")
        if self.on_printed is not None:
            try:
                self.on_printed(outcome)
            except DomainError as exc:
                self.info.setText(exc.message)
        return True


def show_pdf(parent: QWidget | None, path: Path, title: str, *,
             on_printed: Callable[[print_job.Sent], None] | None = None) -> PdfPreviewDialog:
    """Open the preview without blocking; the caller keeps working (and tests can inspect it)."""
    dialog = PdfPreviewDialog(path, title, parent, on_printed=on_printed)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
