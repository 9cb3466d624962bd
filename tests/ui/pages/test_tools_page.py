"""The tool-box page driven like the counter: typed search, scanned codes, keyboard shortcuts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gridstation.core.intake import residents
from gridstation.core.rules import clock, idcard
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.core.storage.db import write_transaction
from gridstation.core.toolbox import lending, loan_lists, reservations, returns, tool_units
from gridstation.core.toolbox.tool_stocktake import stock_take
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.pdf_preview import PdfPreviewDialog
from gridstation.ui.common.theme import apply_theme
from gridstation.ui.toolbox.tools_page import ToolsPage
from gridstation.ui.toolbox.tools_widgets import selected_row
from tests.conftest import pdf_text
from tests.helpers import activate, make_id, snapshot, type_text

SCREENSHOT = Path("/tmp/tools_page.png")


@pytest.fixture
def stock(admin) -> dict[str, m.Resident]:
    """Drills GJ-0001..3 (¥50, three parts), ladders GJ-0004..5 (no deposit); two residents."""
    drill = tool_units.save_kind(admin, tool_units.KindInput("电钻", "电动工具", 7, "50", "佩戴护目镜", ["钻头", "充电器", "工具箱"]))
    ladder = tool_units.save_kind(admin, tool_units.KindInput("梯子", "登高", 3, "0", "两人配合使用"))
    tool_units.add_units(admin, drill.id, 3)
    tool_units.add_units(admin, ladder.id, 2)
    return {
        "zhang": residents.save_resident(admin, residents.ResidentInput("张三", make_id(seq="771"), phone="13800138000")),
        "li": residents.save_resident(admin, residents.ResidentInput("李四", make_id(seq="773"), phone="13900139000")),
    }


def open_page(qtbot, db_path, staff) -> ToolsPage:
    apply_theme(QApplication.instance())  # the bundled CJK font, as the app does at start
    widget = ToolsPage(AppContext(target=str(db_path), staff=staff))
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    activate(qtbot, widget)
    wait_overdue(qtbot, widget)
    return widget


def wait_overdue(qtbot, page: ToolsPage) -> None:
    """The overdue list and its count load in the background."""
    qtbot.waitUntil(lambda: not page.overdue.model.loading, timeout=10_000)


@pytest.fixture
def page(qtbot, db_path, admin, stock):
    widget = open_page(qtbot, db_path, admin)
    yield widget
    for top in QApplication.topLevelWidgets():
        if top is not widget and top.isVisible():
            top.close()


def press(qtbot, widget, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(widget, key, modifier)


def scan(qtbot, edit, code: str) -> None:
    """A barcode scanner: the code typed key by key, then Enter."""
    type_text(qtbot, edit, code)
    press(qtbot, edit, Qt.Key.Key_Return)


def find_borrower(qtbot, page: ToolsPage, text: str) -> None:
    press(qtbot, page, Qt.Key.Key_F2)
    type_text(qtbot, page.lending.picker.edit, text)
    press(qtbot, page.lending.picker.edit, Qt.Key.Key_Return)


def test_lend_two_units_and_return_one_damaged_one_fine(qtbot, page, stock):
    page.ui.printSlipCheck.setChecked(False)
    find_borrower(qtbot, page, "zs")
    assert page.lending.resident.id == stock["zhang"].id
    assert "张三" in page.ui.borrowerCard.text() and "138****8000" in page.ui.borrowerCard.text()

    edit = page.ui.lendScanEdit
    scan(qtbot, edit, "GJ-0001")
    assert page.lending.banner.look == "ok" and "电钻 GJ-0001" in page.ui.lendBannerText.text()
    assert edit.text() == "" and QApplication.focusWidget() is edit
    scan(qtbot, edit, "GJ-0999")
    assert page.lending.banner.look == "unknown" and "GJ-0999" in page.ui.lendBannerText.text()
    scan(qtbot, edit, "梯子")  # typed by kind name: the app picks the first ladder in stock
    assert page.lending.codes() == ["GJ-0001", "GJ-0004"]
    assert page.ui.depositEdit.text() == "50.00"
    assert page.lending.basket_model.rowCount() == 2
    assert page.grab().save(str(SCREENSHOT))  # for a reviewer's eye: borrower, basket, green banner

    press(qtbot, edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.lending.banner.look == "ok", page.ui.lendBannerText.text()
    loan = loan_lists.loan_rows(loan_lists.LoanFilter(resident_id=stock["zhang"].id))[0].loan
    assert loan.slip_no in page.ui.lendBannerText.text()
    assert loan.deposit_fen == 5000 and loan.staff.username == "admin"
    assert tool_units.get_unit("GJ-0001").state == tool_units.get_unit("GJ-0004").state == tool_units.ON_LOAN
    assert page.lending.codes() == [] and page.lending.resident is None

    press(qtbot, page, Qt.Key.Key_F6)
    ret = page.ui.returnScanEdit
    assert QApplication.focusWidget() is ret
    scan(qtbot, ret, "GJ-0001")
    assert loan.slip_no in page.ui.returnCard.text() and "GJ-0004" in page.ui.returnCard.text()
    parts = page.ui.returnPartsList
    assert [parts.item(i).checkState() for i in range(parts.count())] == [Qt.CheckState.Checked] * 3
    press(qtbot, ret, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert page.returns.condition() == tool_units.DAMAGED
    assert page.ui.refundEdit.text() == "0.00"
    type_text(qtbot, page.ui.returnNotesEdit, "钻头断了")
    press(qtbot, page.ui.returnNotesEdit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.returns.banner.look == "limit" and "转为维修" in page.ui.returnBannerText.text()
    # The ladder: scanned twice, which confirms the return as it stands (完好).
    scan(qtbot, ret, "GJ-0004")
    scan(qtbot, ret, "GJ-0004")
    assert page.returns.banner.look == "ok", page.ui.returnBannerText.text()
    assert "已全部归还" in page.ui.returnBannerText.text() and "押金扣留 ¥50.00" in page.ui.returnBannerText.text()
    assert page.ui.returnLog.count() == 2

    assert tool_units.get_unit("GJ-0001").state == tool_units.REPAIR
    assert tool_units.get_unit("GJ-0004").state == tool_units.AVAILABLE
    loan = lending.get_loan(loan.slip_no)
    assert loan.deposit_refunded_fen == 0 and lending.deposit_kept_fen(loan) == 5000
    damaged = m.LoanItem.get(m.LoanItem.unit == tool_units.get_unit("GJ-0001"))
    assert (damaged.return_condition, damaged.return_notes) == (tool_units.DAMAGED, "钻头断了")
    assert [e.to_state for e in tool_units.unit_history("GJ-0001")] == ["维修", "借出", "在库"]
    assert [e.to_state for e in tool_units.unit_history("GJ-0004")] == ["在库", "借出", "在库"]
    actions = [a.action for a in m.AuditLog.select().where(m.AuditLog.entity == "loan").order_by(m.AuditLog.id)]
    assert actions == ["借出", "归还", "归还"]

    press(qtbot, page, Qt.Key.Key_F5)
    scan(qtbot, page.ui.lendScanEdit, "GJ-0001")  # now in repair: a red refusal on screen
    assert page.lending.banner.look == "unavailable" and "正在维修" in page.ui.lendBannerText.text()


def test_each_kind_of_refusal_looks_different_and_stores_nothing(qtbot, db_path, head, stock):
    li = stock["li"]
    lending.lend(head, li.id, ["GJ-0001"])
    ladder = tool_units.kind_by_name("梯子")
    tool_units.set_unit_state(head, "GJ-0005", tool_units.REPAIR)
    tomorrow = clock.today() + dt.timedelta(days=1)
    reservations.reserve(head, li.id, ladder.id, tomorrow, tomorrow + dt.timedelta(days=1))
    with write_transaction():
        settings.put("loan_limit_units", 1)
    desk = open_page(qtbot, db_path, head)
    looks = {}
    before = snapshot()
    edit = desk.ui.lendScanEdit
    for code, name in (("GJ-0001", "lent"), ("XQ-2023-001", "foreign"), ("GJ-0004", "reserved")):
        scan(qtbot, edit, code)
        looks[name] = desk.lending.banner.look
    find_borrower(qtbot, desk, "zs")
    scan(qtbot, edit, "GJ-0002")
    scan(qtbot, edit, "GJ-0003")
    looks["limit"] = desk.lending.banner.look
    assert "最多借 1 件" in desk.ui.lendBannerText.text()
    assert looks == {"lent": "unavailable", "foreign": "unknown", "reserved": "reserved", "limit": "limit"}
    assert snapshot() == before
    desk.close()


def test_overdue_borrower_needs_the_head_and_a_reason(qtbot, db_path, admin, clerk, stock):
    lent = dt.datetime.combine(clock.today() - dt.timedelta(days=20), dt.time(10))
    lending.lend(admin, stock["zhang"].id, ["GJ-0002"], lent_at=lent, due_date=lent.date() + dt.timedelta(days=7))
    clerk_page = open_page(qtbot, db_path, clerk)
    assert not clerk_page.ui.overrideEdit.isEnabled()
    find_borrower(qtbot, clerk_page, "zs")
    assert "需站长特批" in clerk_page.ui.borrowerCard.text()
    scan(qtbot, clerk_page.ui.lendScanEdit, "GJ-0004")
    assert clerk_page.lending.banner.look == "overdue"
    clerk_page.close()

    head_page = open_page(qtbot, db_path, admin)
    find_borrower(qtbot, head_page, "zs")
    type_text(qtbot, head_page.ui.overrideEdit, "楼道漏水急用")
    head_page.ui.printSlipCheck.setChecked(False)
    scan(qtbot, head_page.ui.lendScanEdit, "GJ-0004")
    assert head_page.lending.banner.look == "ok"
    loan = head_page.lending.lend()
    assert loan is not None and loan.override_reason == "楼道漏水急用"
    head_page.close()


def test_print_the_loan_slip(qtbot, page, stock):
    pytest.importorskip("gridstation.reports.loan_slip")
    find_borrower(qtbot, page, "zs")
    scan(qtbot, page.ui.lendScanEdit, "GJ-0001")
    scan(qtbot, page.ui.lendScanEdit, "GJ-0004")
    loan = page.lending.lend()
    assert loan is not None and page.lending.last_slip is not None
    text = pdf_text(page.lending.last_slip)
    for expected in (loan.slip_no, "张三", "电钻", "GJ-0001", "梯子", "GJ-0004", "佩戴护目镜", "138****8000"):
        assert expected in text, expected
    assert m.AuditLog.select().where(m.AuditLog.action == "预览借用单").count() == 1
    assert m.AuditLog.select().where(m.AuditLog.action == "打印借用单").count() == 0  # previewed, not printed


def test_returning_a_unit_not_on_loan_is_refused(qtbot, page):
    press(qtbot, page, Qt.Key.Key_F6)
    before = snapshot()
    scan(qtbot, page.ui.returnScanEdit, "GJ-0002")
    assert page.returns.banner.look == "unavailable" and "没有借出" in page.ui.returnBannerText.text()
    press(qtbot, page.ui.returnScanEdit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.returns.banner.look == "error"
    assert snapshot() == before


def test_slip_qr_code_lists_units_still_out_and_renews(qtbot, page, admin, stock):
    loan = lending.lend(admin, stock["zhang"].id, ["GJ-0001", "GJ-0004"])
    press(qtbot, page, Qt.Key.Key_F6)
    scan(qtbot, page.ui.returnScanEdit, loan.slip_no)
    assert "GJ-0001" in page.ui.returnCard.text() and "2 件未还" in page.ui.returnBannerText.text()
    press(qtbot, page.ui.returnScanEdit, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert page.returns.banner.look == "ok" and lending.get_loan(loan.slip_no).renewals == 1


def test_overdue_list_reloads_in_the_background_and_keeps_the_slip_being_called_about(qtbot, db_path, admin, stock):
    """A 借出 reloads the overdue list and its count off the GUI thread (about 100 ms at 50 000 loans):
    the old rows stay meanwhile, and the clerk's selected slip is still selected where it moved to."""
    def overdue_loan(who: str, code: str, days: int) -> m.Loan:
        lent = dt.datetime.combine(clock.today() - dt.timedelta(days=days), dt.time(10))
        return lending.lend(admin, stock[who].id, [code], lent_at=lent, due_date=lent.date() + dt.timedelta(days=2))

    overdue_loan("zhang", "GJ-0002", 12)
    li = overdue_loan("li", "GJ-0003", 10)
    page = open_page(qtbot, db_path, admin)
    press(qtbot, page, Qt.Key.Key_F7)
    table = page.ui.overdueTable
    press(qtbot, table, Qt.Key.Key_Down)  # the clerk walks to 李四's slip
    assert page.overdue.model.row_at(selected_row(table)).loan.slip_no == li.slip_no
    longest = overdue_loan("zhang", "GJ-0004", 20)  # another window lends: a slip longer overdue, on top

    page.ctx.bus.data_changed.emit("tools")  # what the live refresh (or this window's 借出) does
    assert page.overdue.model.loading and page.overdue.model.rowCount() == 2  # not on the GUI thread
    wait_overdue(qtbot, page)

    assert [r.loan.slip_no for r in page.overdue.model.rows][0] == longest.slip_no
    assert page.overdue.model.row_at(selected_row(table)).loan.slip_no == li.slip_no
    assert page.ui.tabs.tabText(2).endswith("· 3") and "共 3 张" in page.ui.overdueSummary.text()


def test_overdue_tab_masks_the_phone_and_records_a_call(qtbot, db_path, admin, stock, tmp_path):
    from openpyxl import load_workbook

    lent = dt.datetime.combine(clock.today() - dt.timedelta(days=12), dt.time(10))
    loan = lending.lend(admin, stock["zhang"].id, ["GJ-0002"], lent_at=lent, due_date=lent.date() + dt.timedelta(days=2))
    page = open_page(qtbot, db_path, admin)
    assert page.ui.tabs.tabText(2).endswith("· 1")
    press(qtbot, page, Qt.Key.Key_F7)
    model = page.ui.overdueTable.model()
    cells = [model.index(0, c).data() for c in range(model.columnCount())]
    assert cells[:3] == [loan.slip_no, "张三", "138****8000"] and cells[5] == "10"
    assert "13800138000" not in " ".join(cells)
    page.ui.overdueTable.selectRow(0)
    page.ui.revealPhoneButton.click()
    assert "13800138000" in page.ui.phoneLabel.text()
    page.ui.outcomeCombo.setCurrentText("答应周六归还")
    page.ui.reminderButton.click()
    wait_overdue(qtbot, page)
    assert selected_row(page.ui.overdueTable) == 0  # the reload kept the slip being called about
    assert model.index(0, 6).data() == "1" and "答应周六归还" in model.index(0, 7).data()
    out = page.overdue.export(tmp_path / "overdue.xlsx")
    cells = [str(c.value) for row in load_workbook(out).active.iter_rows() for c in row if c.value is not None]
    # a clerk's file is masked like the screen (issue 12.12): the full phone is looked up one at a time, audited
    assert loan.slip_no in cells and "138****8000" in cells and "13800138000" not in cells
    assert stock["zhang"].doc_number not in cells and idcard.mask_id(stock["zhang"].doc_number) in cells
    page.close()


def test_catalogue_tab_adds_a_kind_and_units(qtbot, page):
    press(qtbot, page, Qt.Key.Key_F8)
    page.ui.newKindButton.click()
    type_text(qtbot, page.ui.kindNameEdit, "通下水道工具")
    type_text(qtbot, page.ui.kindDepositEdit, "-20")
    page.ui.saveKindButton.click()
    assert "押金不能为负数" in page.ui.catalogueMessage.text()
    page.ui.kindDepositEdit.setText("20")
    type_text(qtbot, page.ui.kindPartsEdit, "疏通器、手套")
    page.ui.saveKindButton.click()
    kind = tool_units.kind_by_name("通下水道工具")
    assert tool_units.parts_of(kind) == ["疏通器", "手套"] and kind.deposit_fen == 2000
    page.ui.addCountSpin.setValue(2)
    page.ui.addUnitsButton.click()
    assert [u.asset_code for u in tool_units.unit_rows(kind.id)] == ["GJ-0006", "GJ-0007"]
    assert page.catalogue.units_model.rowCount() == 2
    page.ui.unitsTable.selectRow(0)
    page.ui.unitStateCombo.setCurrentText(tool_units.REPAIR)
    page.ui.setStateButton.click()
    assert tool_units.get_unit("GJ-0006").state == tool_units.REPAIR
    assert page.catalogue.history_model.rowCount() == 2


def test_reserve_tab_books_a_kind(qtbot, page, stock):
    press(qtbot, page, Qt.Key.Key_F9)
    type_text(qtbot, page.reserve.picker.edit, "ls")
    press(qtbot, page.reserve.picker.edit, Qt.Key.Key_Return)
    page.ui.reserveKindCombo.setCurrentText("梯子")
    press(qtbot, page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.reserve.banner.look == "ok", page.ui.reserveBannerText.text()
    assert page.reserve.list_model.rowCount() == 1
    row = next(r for r in range(page.reserve.availability.rowCount()) if page.reserve.availability.rows[r][0] == "梯子")
    assert page.reserve.availability.rows[row][1][0].reserved == 1


def test_stock_take_tab_reports_a_foreign_code(qtbot, page, admin, stock):
    lending.lend(admin, stock["zhang"].id, ["GJ-0001"])
    press(qtbot, page, Qt.Key.Key_F10)
    edit = page.ui.stockScanEdit
    for code in ("GJ-0002", "GJ-0001", "XQ-2023-001"):
        scan(qtbot, edit, code)
    assert page.stock.banner.look == "error" and "非本站编号格式" in page.ui.stockBannerText.text()
    press(qtbot, edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    saved = m.StockTake.select().get()
    assert "XQ-2023-001" in saved.result
    shown = page.ui.stockResultText.toPlainText()
    assert "非本站编号格式（1）" in shown and "扫到但记录为借出（1）" in shown and "GJ-0003" in shown


def test_stock_take_tab_prints_the_result(qtbot, page, admin):
    press(qtbot, page, Qt.Key.Key_F10)
    before = snapshot()
    page.ui.printStockButton.click()
    assert page.stock.banner.look == "error" and "还没有保存过盘点结果" in page.ui.stockBannerText.text()
    assert snapshot() == before
    older = stock_take(admin, ["GJ-0001"])
    path = page.stock.print_result()  # nothing finished on this tab yet: the newest saved one
    assert f"盘点编号{older.id}" in "".join(pdf_text(path).split())
    for code in ("GJ-0002", "XQ-2023-001"):
        scan(qtbot, page.ui.stockScanEdit, code)
    press(qtbot, page.ui.stockScanEdit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    page.ui.printStockButton.click()
    preview = next(w for w in QApplication.topLevelWidgets() if isinstance(w, PdfPreviewDialog) and w.isVisible()
                   and f"第{page.stock.result_id}号" in w.windowTitle())
    flat = "".join(pdf_text(preview.path).split())
    assert f"盘点编号{page.stock.result_id}" in flat and "非本站编号格式（1）" in flat and "GJ-0003" in flat
    shown = m.AuditLog.select().where(m.AuditLog.action == "预览盘点结果").order_by(m.AuditLog.id)
    assert [a.entity_id for a in shown] == [str(older.id), str(page.stock.result_id)]  # previews, through the one path
    assert not m.AuditLog.select().where(m.AuditLog.action == "打印盘点结果").exists()


def test_catalogue_tab_sets_a_purchase_date_and_a_photo(qtbot, page, tmp_path, monkeypatch):
    from PySide6.QtCore import QDate
    from PySide6.QtGui import QColor, QImage

    from gridstation.core.storage import photos

    monkeypatch.setenv("GRIDSTATION_DATA_DIR", str(tmp_path / "data"))
    press(qtbot, page, Qt.Key.Key_F8)
    kinds = [r.kind.name for r in page.catalogue.kinds]
    page.ui.kindsTable.selectRow(kinds.index("梯子"))
    assert page.ui.kindPhotoLabel.text() == "无照片"

    bought = clock.today() - dt.timedelta(days=30)
    page.ui.purchaseCheck.setChecked(True)
    page.ui.purchaseDateEdit.setDate(QDate(bought.year, bought.month, bought.day))
    page.ui.addUnitsButton.click()
    added = tool_units.get_unit("GJ-0006")
    assert added.kind.name == "梯子" and added.purchase_date == bought
    shown = [page.catalogue.units_model.index(r, 2).data() for r in range(page.catalogue.units_model.rowCount())]
    assert shown == ["", "", f"{bought:%Y-%m-%d}"]
    page.ui.purchaseCheck.setChecked(False)
    type_text(qtbot, page.ui.addCodesEdit, "OLD-7")
    page.ui.addCodesButton.click()
    assert tool_units.get_unit("OLD-7").purchase_date is None

    picture = tmp_path / "梯子.png"
    image = QImage(120, 80, QImage.Format.Format_RGB32)
    image.fill(QColor("#1565c0"))
    assert image.save(str(picture))
    page.catalogue.choose_photo(picture)
    assert not page.ui.kindPhotoLabel.pixmap().isNull()
    page.ui.saveKindButton.click()
    assert "已保存" in page.ui.catalogueMessage.text()
    ladder = tool_units.kind_by_name("梯子")
    assert photos.photo_bytes(ladder.photo) == picture.read_bytes()

    page.ui.kindsTable.selectRow(kinds.index("电钻"))
    assert page.ui.kindPhotoLabel.text() == "无照片" and page.catalogue.photo == ""
    page.ui.kindsTable.selectRow(kinds.index("梯子"))
    assert page.catalogue.photo == ladder.photo and not page.ui.kindPhotoLabel.pixmap().isNull()
    assert page.ui.kindPhotoLabel.pixmap().width() <= 72
    assert page.grab().save("/tmp/tools_catalogue.png")
    # A person's own press on 清除照片 ends the moment in which a repeated save is taken as a double press.
    qtbot.mouseClick(page.ui.clearPhotoButton, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.ui.saveKindButton, Qt.MouseButton.LeftButton)
    assert tool_units.kind_by_name("梯子").photo == ""


def xlsx_rows(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    return [["" if c is None else str(c) for c in row] for row in load_workbook(path).active.iter_rows(values_only=True)]


def test_catalogue_exports_the_units_listed(qtbot, page, admin, tmp_path):
    tool_units.set_unit_state(admin, "GJ-0005", tool_units.REPAIR)
    press(qtbot, page, Qt.Key.Key_F8)
    page.ui.kindsTable.selectRow([r.kind.name for r in page.catalogue.kinds].index("梯子"))
    rows = xlsx_rows(page.catalogue.export_units(tmp_path / "ladders.xlsx"))
    shown = [page.catalogue.units_model.index(r, 0).data() for r in range(page.catalogue.units_model.rowCount())]
    code = rows[0].index("资产编号")
    assert [r[code] for r in rows[1:]] == shown == ["GJ-0004", "GJ-0005"]
    assert {"梯子", "维修"} <= set(rows[2])
    page.catalogue.new_kind()  # no kind selected: every unit, as the labels button prints them
    rows = xlsx_rows(page.catalogue.export_units(tmp_path / "all.xlsx"))
    assert [r[code] for r in rows[1:]] == [f"GJ-{n:04d}" for n in range(1, 6)]
    assert m.AuditLog.select().where(m.AuditLog.action == "导出").count() == 2


def test_borrower_loans_export_holds_the_listed_loans_with_the_id_masked(qtbot, page, admin, stock, tmp_path):
    zhang, li = stock["zhang"], stock["li"]
    first = lending.lend(admin, zhang.id, ["GJ-0001", "GJ-0004"])
    returns.return_unit(admin, "GJ-0004")
    second = lending.lend(admin, zhang.id, ["GJ-0002"])
    lending.lend(admin, li.id, ["GJ-0003"])  # another borrower's loan: not in 张三's list
    assert page.lending.export_loans(tmp_path / "none.xlsx") is None
    assert "请先查找居民" in page.ui.lendBannerText.text() and not (tmp_path / "none.xlsx").exists()
    find_borrower(qtbot, page, "zs")
    listed = {page.lending.loans_model.index(r, 0).data() for r in range(page.lending.loans_model.rowCount())}
    assert listed == {first.slip_no, second.slip_no}
    rows = xlsx_rows(page.lending.export_loans(tmp_path / "zhang.xlsx"))
    head = rows[0]
    slip, code, id_col = head.index("借用单号"), head.index("资产编号"), head.index("身份证号")
    assert sorted((r[slip], r[code]) for r in rows[1:]) == sorted(
        [(first.slip_no, "GJ-0001"), (first.slip_no, "GJ-0004"), (second.slip_no, "GJ-0002")])
    assert {r[id_col] for r in rows[1:]} == {idcard.mask_id(zhang.doc_number)}
    cells = " ".join(" ".join(r) for r in rows)
    assert zhang.doc_number not in cells and "李四" not in cells
