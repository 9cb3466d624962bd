"""A preview is recorded as 预览, a print as 打印 once the pages went to the printer (issue 12.13);
the printer is a setting of this PC, kept in QSettings, not of the station (issue 12.18).

Printing goes to a PDF file chosen in Qt's own print dialog, typed with the keyboard, so no real
printer is needed and the dialog, the painting and the audit entry are all the real ones.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QLineEdit

from gridstation.core.intake import intakes, residents
from gridstation.core.station import catalog
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.core.toolbox import lending, tool_units
from gridstation.ui.common import local_settings
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.pdf_preview import PdfPreviewDialog
from gridstation.ui.intake.intake_page import IntakePage
from gridstation.ui.station.settings_page import SettingsPage
from gridstation.ui.toolbox.tools_page import ToolsPage
from tests.helpers import activate, make_id, show_at_counter_size


def entries(action: str) -> list[m.AuditLog]:
    return list(m.AuditLog.select().where(m.AuditLog.action == action).order_by(m.AuditLog.id))


def printed_pages(path: Path) -> int:
    """Pages in what the PDF printer wrote (the pages are painted images, so there is no text to read)."""
    document = QPdfDocument()
    document.load(str(path))
    return document.pageCount()


def open_preview() -> PdfPreviewDialog:
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, PdfPreviewDialog) and w.isVisible())


def print_with_keyboard(qtbot, preview: PdfPreviewDialog, out: Path | None) -> None:
    """Ctrl+P in the preview; in Qt's print dialog type the PDF file to print to and press Enter (or Esc)."""
    answered: list[QPrintDialog] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QPrintDialog)
        answered.append(dialog)
        if out is None:
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
            return
        name = dialog.findChild(QLineEdit, "filename")
        name.selectAll()
        qtbot.keyClicks(name, str(out))
        qtbot.keyClick(name, Qt.Key.Key_Return)

    activate(qtbot, preview)
    QTimer.singleShot(200, answer)
    qtbot.keyClick(preview, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert len(answered) == 1  # the print dialog really opened and was answered


@pytest.fixture
def receipt_preview(qtbot, db_path, clerk):
    zhang = residents.save_resident(clerk, residents.ResidentInput(name="张三", doc_number=make_id()))
    intake = intakes.create_intake(clerk, intakes.IntakeInput(zhang.id, catalog.UNEMPLOYMENT,
                                                              details={"docs_checked": True}))
    page = show_at_counter_size(qtbot, IntakePage(AppContext(target=str(db_path), staff=clerk)))
    page.print_receipt(intake.serial)
    preview = open_preview()
    activate(qtbot, preview)
    yield intake.serial, preview
    for top in QApplication.topLevelWidgets():
        top.close()


def test_a_receipt_preview_is_a_preview_and_printing_it_is_the_print(qtbot, receipt_preview, tmp_path):
    serial, preview = receipt_preview
    assert [(e.entity_id, e.username) for e in entries("预览回执")] == [(serial, "clerk")]
    assert entries("打印回执") == []

    print_with_keyboard(qtbot, preview, None)  # 取消: nothing printed, nothing recorded
    assert entries("打印回执") == [] and not preview.printed

    out = tmp_path / "printed.pdf"
    print_with_keyboard(qtbot, preview, out)
    assert preview.printed and printed_pages(out) == preview.document.pageCount() == 1
    assert [(e.entity_id, e.username) for e in entries("打印回执")] == [(serial, "clerk")]
    assert preview.info.text() == f"已打印到文件：{out}（1 页）"  # the file printed to, not the preview's copy


def test_a_printer_that_will_not_start_records_no_print(qtbot, receipt_preview, tmp_path):
    _serial, preview = receipt_preview
    printer = QPrinter()
    printer.setOutputFileName(str(tmp_path / "no such folder" / "x.pdf"))
    assert preview.print_to(printer) is False
    assert entries("打印回执") == [] and "无法开始打印" in preview.info.text()


def test_labels_and_slips_from_the_tool_box_are_recorded_as_previews(qtbot, db_path, admin, tmp_path):
    kind = tool_units.save_kind(admin, tool_units.KindInput("电钻", "电动工具", 7, "0"))
    tool_units.add_units(admin, kind.id, 1)
    zhang = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))
    page = show_at_counter_size(qtbot, ToolsPage(AppContext(target=str(db_path), staff=admin)))
    page.catalogue.print_labels()
    assert [e.entity_id for e in entries("预览资产标签")] == ["全部"]
    open_preview().close()
    loan = lending.lend(admin, zhang.id, ["GJ-0001"])
    page.lending.print_slip(loan.slip_no)
    assert [e.entity_id for e in entries("预览借用单")] == [loan.slip_no]
    print_with_keyboard(qtbot, open_preview(), tmp_path / "slip.pdf")
    assert [e.entity_id for e in entries("打印借用单")] == [loan.slip_no]
    assert entries("打印资产标签") == []
    page.close()
    for top in QApplication.topLevelWidgets():
        top.close()


def test_the_printer_is_kept_for_this_pc_not_in_the_station_database(qtbot, db_path, admin, this_pc_settings):
    page = show_at_counter_size(qtbot, SettingsPage(AppContext(target=str(db_path), staff=admin)))
    page.refresh()
    page.ui.printerCombo.addItem("窗口2 回执打印机", "窗口2 回执打印机")  # offscreen Qt lists no printers
    page.ui.printerCombo.setFocus()
    qtbot.keyClick(page.ui.printerCombo, Qt.Key.Key_End)
    page.ui.saveStationButton.setFocus()
    qtbot.keyClick(page.ui.saveStationButton, Qt.Key.Key_Space)
    assert "已保存（1 项变更）" in page.ui.stationMessage.text()
    assert local_settings.printer() == "窗口2 回执打印机"
    assert settings.get("printer") is None and not m.Setting.select().where(m.Setting.key == "printer").exists()
    ini = this_pc_settings / "GridStation" / "GridStation.ini"
    assert "窗口2" in ini.read_text(encoding="utf-8")  # the test's own folder, never the user's

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(this_pc_settings / "other-pc"))
    assert local_settings.printer() == ""  # another PC of the same station has its own
    page.close()


def test_a_pc_that_has_not_chosen_uses_the_printer_an_older_version_stored(admin):
    settings.put("printer", "旧版设置的打印机")
    assert local_settings.printer() == "旧版设置的打印机"
    local_settings.set_printer("")
    assert local_settings.printer() == ""  # chosen: the system's default printer


def test_the_loan_slip_is_written_off_the_gui_thread_then_previewed_as_a_preview(qtbot, db_path, admin, monkeypatch):
    from gridstation.reports import loan_slip

    kind = tool_units.save_kind(admin, tool_units.KindInput("电钻", "电动工具", 7, "0"))
    tool_units.add_units(admin, kind.id, 1)
    zhang = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))
    page = show_at_counter_size(qtbot, ToolsPage(AppContext(target=str(db_path), staff=admin)))
    loan = lending.lend(admin, zhang.id, ["GJ-0001"])
    writers: list[threading.Thread] = []
    real = loan_slip.write_loan_slip

    def watched(slip_no: str, out: Path) -> Path:
        writers.append(threading.current_thread())
        return real(slip_no, out)

    monkeypatch.setattr(loan_slip, "write_loan_slip", watched)
    path = page.lending.print_slip(loan.slip_no)
    assert writers and writers[0] is not threading.main_thread()
    assert path is not None and path.stat().st_size > 1000
    assert [e.entity_id for e in entries("预览借用单")] == [loan.slip_no]
    open_preview().close()
    page.close()
