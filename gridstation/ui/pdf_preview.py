"""Preview a generated PDF and print it through Qt's print dialog (receipts, slips, reports)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gridstation.ui.keyboard import fit_to_screen


class PdfPreviewDialog(QDialog):
    def __init__(self, path: Path, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.printed = False
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
        row.addWidget(QLabel(f"文件：{self.path.name}　共 {self.document.pageCount()} 页"))
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
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        from gridstation.core import settings

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if settings.get("printer"):
            printer.setPrinterName(settings.get("printer"))
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        painter = QPainter(printer)
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


def show_pdf(parent: QWidget | None, path: Path, title: str) -> PdfPreviewDialog:
    """Open the preview without blocking; the caller keeps working (and tests can inspect it)."""
    dialog = PdfPreviewDialog(path, title, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
