"""Preview a generated PDF and print it through Qt's print dialog (receipts, slips, reports).

The caller records the preview; this dialog tells it, through ``on_printed``, when the pages
really went to a printer: after the print dialog was accepted and every page was painted. A
cancelled dialog or a printer that cannot start records nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gridstation.core.rules.errors import DomainError
from gridstation.ui import local_settings
from gridstation.ui.keyboard import fit_to_screen


class PdfPreviewDialog(QDialog):
    def __init__(self, path: Path, title: str, parent: QWidget | None = None, *,
                 on_printed: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.printed = False
        self.on_printed = on_printed
        self.setWindowTitle(f"打印预览 · {title}")
        self.document = QPdfDocument(self)
        self.document.load(str(self.path))
        view = QPdfView(self)
        view.setDocument(self.document)
        view.setPageMode(QPdfView.PageMode.MultiPage)
        view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        layout = QVBoxLayout(self)
        layout.addWidget(view)
        row = QHBoxLayout()
        self.info = QLabel(f"文件：{self.path.name}　共 {self.document.pageCount()} 页")
        row.addWidget(self.info)
        row.addStretch(1)
        close = QPushButton("关闭 (Esc)")
        close.clicked.connect(self.reject)
        print_button = QPushButton("打印 (Ctrl+P)")
        print_button.setProperty("role", "primary")
        print_button.setDefault(True)
        print_button.clicked.connect(self.print_document)
        row.addWidget(close)
        row.addWidget(print_button)
        layout.addLayout(row)
        QShortcut(QKeySequence("Ctrl+P"), self, activated=self.print_document)
        fit_to_screen(self, 720, 860)  # 打印 and 关闭 stay on a 1366×768 screen

    def print_document(self) -> None:
        """Ask where to print (this PC's printer chosen in 设置), then print."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        name = local_settings.printer()
        if name:
            printer.setPrinterName(name)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> bool:
        """Paint every page on ``printer``, then report the print; False when the printer would not start."""
        painter = QPainter()
        if not painter.begin(printer):
            self.info.setText("无法开始打印：请检查打印机是否已连接、已开机。")
            return False
        try:
            for page in range(self.document.pageCount()):
                if page:
                    printer.newPage()
                rect = painter.viewport()
                size = self.document.pagePointSize(page).toSize().scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
                image = self.document.render(page, QSize(size.width(), size.height()))
                painter.drawImage(QPoint(0, 0), image)
        finally:
            painter.end()
        self.printed = True
        self.info.setText(f"已送往打印机：{self.path.name}")
        if self.on_printed is not None:
            try:
                self.on_printed()
            except DomainError as exc:
                self.info.setText(exc.message)
        return True


def show_pdf(parent: QWidget | None, path: Path, title: str, *,
             on_printed: Callable[[], None] | None = None) -> PdfPreviewDialog:
    """Open the preview without blocking; the caller keeps working (and tests can inspect it)."""
    dialog = PdfPreviewDialog(path, title, parent, on_printed=on_printed)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
