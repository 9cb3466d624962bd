"""The 借出 and 归还 tabs: scan to lend, scan to return, no mouse needed.

Each scan asks the service for a full check (``lending.plan_loan`` / ``returns.open_item``), so the
counter refuses a wrong tool at the moment it is scanned, with the same rule and words the save
would use.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, QDateTime, QLocale, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDateTimeEdit,
    QFrame,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gridstation.core.intake import residents
from gridstation.core.rules import clock, idcard
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.money import yuan
from gridstation.core.station.roles import HEAD
from gridstation.core.station.topics import Topic
from gridstation.core.storage import models as m
from gridstation.core.toolbox import lending, loan_lists, returns, tool_units
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.forms import Form
from gridstation.ui.common.keyboard import tab_chain
from gridstation.ui.common.saving import one_at_a_time
from gridstation.ui.common.table_model import Column, PagedTableModel, setup_table
from gridstation.ui.intake.resident_picker import ResidentPicker
from gridstation.ui.toolbox.tools_widgets import Banner, allowed, connect_scan, selected_row


def fill_checklist(widget: QListWidget, names: list[str], checked: list[str]) -> None:
    """A list of parts with a tick box each (Space ticks): handed out, or brought back."""
    widget.blockSignals(True)
    widget.clear()
    for name in names:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if name in checked else Qt.CheckState.Unchecked)
        widget.addItem(item)
    widget.blockSignals(False)


def checked_names(widget: QListWidget) -> list[str]:
    return [widget.item(i).text() for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked]


def loan_columns() -> list[Column]:
    return [
        Column("借用单号", lambda r: r.loan.slip_no),
        Column("状态", lambda r: r.status),
        Column("借出日期", lambda r: f"{r.loan.lent_at:%Y-%m-%d}"),
        Column("应还日期", lambda r: f"{r.loan.due_date:%Y-%m-%d}"),
        Column("工具", lambda r: "、".join(f"{name} {code}" for name, code in r.tools)),
    ]


class ToolsLendForm(Form):
    FORM = "tools_lend.ui"
    basketGroup: QGroupBox
    basketTable: QTableView
    borrowerCard: QLabel
    borrowerLoansTable: QTableView
    clearLendButton: QPushButton
    depositEdit: QLineEdit
    dueDateEdit: QDateEdit
    exportLoansButton: QPushButton
    lendBanner: QFrame
    lendBannerIcon: QLabel
    lendBannerText: QLabel
    lendButton: QPushButton
    lendNotesEdit: QLineEdit
    lendPickerHost: QWidget
    lendScanEdit: QLineEdit
    lentAtEdit: QDateTimeEdit
    overrideEdit: QLineEdit
    paperCheck: QCheckBox
    partsList: QListWidget
    printSlipCheck: QCheckBox
    removeUnitButton: QPushButton


class LendTab(QWidget):
    """借出: choose the borrower (F2) and scan tools (F4) in either order, then Ctrl+Enter."""

    def __init__(self, page: QWidget, ctx: AppContext, host: QWidget) -> None:
        super().__init__(host)
        self.page, self.ctx = page, ctx
        self.ui = ToolsLendForm.load(self)
        self.banner = Banner(self.ui.lendBanner, self.ui.lendBannerIcon, self.ui.lendBannerText)
        self.picker = ResidentPicker(self.ui.lendPickerHost)
        host_layout = QVBoxLayout(self.ui.lendPickerHost)
        host_layout.setContentsMargins(0, 0, 0, 0)
        host_layout.addWidget(self.picker)
        self.picker.results.setMaximumHeight(150)
        # The picker is built after the form: Tab reads the left column (borrower), then the right.
        ui = self.ui
        tab_chain(self.picker.edit, self.picker.results, ui.exportLoansButton, ui.borrowerLoansTable, ui.lendScanEdit,
                  ui.basketTable, ui.partsList, ui.removeUnitButton, ui.dueDateEdit, ui.depositEdit, ui.overrideEdit,
                  ui.paperCheck, ui.lentAtEdit, ui.lendNotesEdit, ui.printSlipCheck, ui.clearLendButton, ui.lendButton)
        self.ui.dueDateEdit.setLocale(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        self.resident: m.Resident | None = None
        self.plan: lending.LendPlan | None = None
        self.parts: dict[str, list[str]] = {}
        self.due_touched = False
        self.deposit_touched = False
        self.last_slip: Path | None = None
        self.basket_model = PagedTableModel([
            Column("资产编号", lambda p: p.unit.asset_code),
            Column("工具", lambda p: p.kind.name),
            Column("押金", lambda p: f"¥{yuan(p.kind.deposit_fen)}" if p.kind.deposit_fen else "免押金"),
            Column("随附配件", lambda p: "、".join(self.parts.get(p.unit.asset_code, p.parts)) or "无"),
        ], lambda offset, limit: self.units()[offset:offset + limit])
        setup_table(self.ui.basketTable, self.basket_model)
        self.loans_model = PagedTableModel(loan_columns(), self._fetch_borrower_loans,
                                           highlight=lambda r: r.days_overdue > 0)
        setup_table(self.ui.borrowerLoansTable, self.loans_model)
        self.ui.overrideEdit.setEnabled(allowed(self.ctx, HEAD))
        self.ui.lentAtEdit.setDateTime(QDateTime(clock.now()))
        self._connect()
        self._reset_dates()

    def _connect(self) -> None:
        ui = self.ui
        connect_scan(ui.lendScanEdit, self.scan)
        self.picker.chosen.connect(self.choose_borrower)
        self.picker.register_requested.connect(self.register_resident)
        self.picker.nobody.connect(self._forget_borrower)
        ui.basketTable.selectionModel().selectionChanged.connect(lambda *_: self._show_parts())
        ui.partsList.itemChanged.connect(lambda _item: self._parts_changed())
        ui.removeUnitButton.clicked.connect(self.remove_selected)
        ui.lendButton.clicked.connect(self.lend)
        ui.exportLoansButton.clicked.connect(lambda: self.export_loans())
        ui.clearLendButton.clicked.connect(lambda: self.clear())  # clicked(bool) is not keep_message
        ui.dueDateEdit.dateChanged.connect(lambda _d: setattr(self, "due_touched", True))
        ui.depositEdit.textEdited.connect(lambda _t: setattr(self, "deposit_touched", True))
        ui.paperCheck.toggled.connect(self._paper_toggled)
        ui.lentAtEdit.dateTimeChanged.connect(lambda _d: self._replan_quietly())

    # --- state --------------------------------------------------------------------------------
    def units(self) -> list[lending.PlannedUnit]:
        return self.plan.units if self.plan else []

    def codes(self) -> list[str]:
        return [p.unit.asset_code for p in self.units()]

    def _lent_at(self) -> dt.datetime | None:
        """The real time of a paper loan entered afterwards; None lends now."""
        if not self.ui.paperCheck.isChecked():
            return None
        return self.ui.lentAtEdit.dateTime().toPython().replace(second=0, microsecond=0)

    def _due(self) -> dt.date | None:
        return self.ui.dueDateEdit.date().toPython() if self.due_touched else None

    def _plan(self, codes: list[str]) -> lending.LendPlan:
        return lending.plan_loan(
            self.ctx.staff, self.resident.id if self.resident else None, codes, due_date=self._due(),
            deposit=None, parts=self.parts, override_reason=self.ui.overrideEdit.text(), lent_at=self._lent_at())

    def _take(self, plan: lending.LendPlan | None) -> None:
        """Show a checked plan: basket, and the due date and deposit unless staff changed them."""
        self.plan = plan
        self.basket_model.reload()
        if plan is not None:
            if not self.due_touched:
                self._set_due(plan.due_date)
            if not self.deposit_touched:
                self.ui.depositEdit.setText(yuan(plan.default_deposit_fen))
        else:
            self._reset_dates()
        count = len(self.units())
        self.ui.basketGroup.setTitle(f"借出工具（{count} 件）" if count else "借出工具")
        if count:
            self.ui.basketTable.selectRow(count - 1)

    def _set_due(self, day: dt.date) -> None:
        self.ui.dueDateEdit.blockSignals(True)
        self.ui.dueDateEdit.setDate(QDate(day.year, day.month, day.day))
        self.ui.dueDateEdit.blockSignals(False)

    def _reset_dates(self) -> None:
        self.due_touched = self.deposit_touched = False
        self._set_due(clock.today())
        self.ui.depositEdit.clear()

    # --- scanning and the borrower ------------------------------------------------------------
    def scan(self, text: str) -> None:
        """A scanned or typed asset code; a typed kind name (梯子) lets the app pick a unit of it."""
        code = tool_units.normalise_code(text)
        try:
            if not tool_units.ENTERED_CODE_RE.fullmatch(code):
                code = lending.pick_unit(text, exclude=self.codes()).asset_code
            plan = self._plan(self.codes() + [code])
        except DomainError as exc:
            self.banner.refuse(exc)
            return
        self._take(plan)
        added = plan.units[-1]
        deposit = f"，押金 ¥{yuan(added.kind.deposit_fen)}" if added.kind.deposit_fen else ""
        who = "" if self.resident else "请查找借用人（F2）。"
        self.banner.show("ok", f"已加入 {added.kind.name} {added.unit.asset_code}{deposit}。共 {len(plan.units)} 件。"
                               f"{who}继续扫描，或按 Ctrl+Enter 借出。")

    def choose_borrower(self, resident_id: int) -> None:
        self.resident = residents.get_resident(resident_id)
        self.show_borrower()
        self.loans_model.reload()
        self.banner.clear()  # an earlier scan's refusal is re-checked for this borrower just below
        if self.codes():
            self._replan_quietly()
        if self.banner.look == "":
            self.banner.show("info", f"借用人：{self.resident.name}。请扫描要借出的工具（F4）。")
        self.ui.lendScanEdit.setFocus()

    def _forget_borrower(self) -> None:
        """A search that found nobody: nothing is lent to the borrower chosen before."""
        self.resident = None
        self.show_borrower()
        self.loans_model.reload()

    def show_borrower(self) -> None:
        r = self.resident
        if r is None:
            self.ui.borrowerCard.setText("请先查找居民（可先扫描工具）。")
            return
        status = lending.borrower_status(r.id)
        phone = idcard.mask_phone(r.phone) if r.phone else "无"
        lines = [f"<b style='font-size:16px'>{r.name}</b>　{idcard.mask_id(r.doc_number)}　电话：{phone}",
                 f"已借未还 {status.units_out} 件，还可借 {status.can_take} 件（每人最多 {status.limit} 件）"]
        if status.overdue_slips:
            need = "请填写特批理由" if allowed(self.ctx, HEAD) else "需站长特批"
            lines.append(f"<span style='color:#880e4f'><b>有逾期未还：{'、'.join(status.overdue_slips)}</b>（{need}）</span>")
        self.ui.borrowerCard.setText("<br>".join(lines))

    def register_resident(self, doc_number: str):
        """A first-time borrower: 新增居民 with the typed ID number, then lend to them."""
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.ui.intake.resident_dialog import ResidentDialog

        dialog = ResidentDialog(self.ctx, self.page, doc_number=doc_number)
        dialog.known_resident.connect(lambda rid: (dialog.reject(), self.choose_borrower(rid)))
        dialog.accepted.connect(lambda: dialog.saved is not None and self.choose_borrower(dialog.saved.id))
        dialog.open()
        return dialog

    def _borrower_filter(self) -> loan_lists.LoanFilter | None:
        """The filter of the borrower's loan list; its pages and its export use the same one."""
        return loan_lists.LoanFilter(resident_id=self.resident.id) if self.resident else None

    def _fetch_borrower_loans(self, offset: int, limit: int) -> list[loan_lists.LoanRow]:
        flt = self._borrower_filter()
        return loan_lists.loan_rows(flt, offset=offset, limit=limit) if flt else []

    def export_loans(self, path: Path | None = None) -> Path | None:
        """The borrower's loans as listed, one row per tool, to Excel (ID numbers masked)."""
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.ui.common.exporting import export_list

        if self.resident is None:
            self.banner.show("error", "请先查找居民，再导出其借用记录（F2）。")
            return None
        return export_list(self.page, self.ctx, "loans", self._borrower_filter(), f"借用记录-{self.resident.name}",
                           path)

    def _replan_quietly(self) -> None:
        """Re-check the basket after the borrower, date or paper-loan time changed; refusals show."""
        if not self.codes():
            return
        try:
            self._take(self._plan(self.codes()))
        except DomainError as exc:
            self.banner.refuse(exc)

    def _paper_toggled(self, on: bool) -> None:
        self.ui.lentAtEdit.setEnabled(on)
        self._replan_quietly()

    # --- parts --------------------------------------------------------------------------------
    def _selected_unit(self) -> lending.PlannedUnit | None:
        row = selected_row(self.ui.basketTable)
        return self.units()[row] if 0 <= row < len(self.units()) else None

    def _show_parts(self) -> None:
        planned = self._selected_unit()
        if planned is None:
            self.ui.partsList.clear()
            return
        fill_checklist(self.ui.partsList, tool_units.parts_of(planned.kind),
                       self.parts.get(planned.unit.asset_code, planned.parts))

    def _parts_changed(self) -> None:
        planned = self._selected_unit()
        if planned is not None:
            self.parts[planned.unit.asset_code] = checked_names(self.ui.partsList)
            self.ui.basketTable.viewport().update()

    def remove_selected(self) -> None:
        planned = self._selected_unit()
        if planned is None:
            return
        codes = [c for c in self.codes() if c != planned.unit.asset_code]
        self.parts.pop(planned.unit.asset_code, None)
        self.plan = None
        if codes:
            self._replan_quietly()
        else:
            self._take(None)
        self.banner.show("info", f"已移除 {planned.unit.asset_code}。")
        self.ui.lendScanEdit.setFocus()

    # --- saving -------------------------------------------------------------------------------
    @one_at_a_time
    def lend(self) -> m.Loan | None:
        if not self.codes():
            self.banner.show("error", "请先扫描要借出的工具（F4）。")
            self.ui.lendScanEdit.setFocus()
            return None
        if self.resident is None:
            self.banner.show("error", "请先查找并选择借用的居民（F2）。")
            self.picker.focus_search()
            return None
        try:
            loan = lending.lend(
                self.ctx.staff, self.resident.id, self.codes(), due_date=self._due(),
                deposit=self.ui.depositEdit.text(), parts=self.parts, override_reason=self.ui.overrideEdit.text(),
                lent_at=self._lent_at(), notes=self.ui.lendNotesEdit.text())
        except DomainError as exc:
            self.banner.refuse(exc)
            return None
        deposit = f"，收押金 ¥{yuan(loan.deposit_fen)}" if loan.deposit_fen else ""
        self.banner.show("ok", f"借出成功：借用单 {loan.slip_no}，{self.resident.name}，共 {len(self.codes())} 件，"
                               f"应还日期 {loan.due_date:%Y-%m-%d}{deposit}。")
        self.ctx.bus.data_changed.emit(Topic.TOOLS)
        if self.ui.printSlipCheck.isChecked():
            self.last_slip = self.print_slip(loan.slip_no)
        self.clear(keep_message=True)
        return loan

    def print_slip(self, slip_no: str) -> Path | None:
        """Write the 借用单 PDF off the GUI thread and open the preview (recorded as 预览; a print is recorded too)."""
        # late import: the preview loads QtPdf and the print support, which start-up does not need
        from gridstation.ui.common.printing import preview_loan_slip

        try:
            return preview_loan_slip(self.page, self.ctx.staff, slip_no)
        except DomainError as exc:
            self.banner.refuse(exc)
            return None

    def clear(self, keep_message: bool = False) -> None:
        """Ready for the next borrower: basket, borrower and form emptied, focus on the search."""
        self.resident = None
        self.parts = {}
        self._take(None)
        for edit in (self.ui.overrideEdit, self.ui.lendNotesEdit):
            edit.clear()
        self.ui.paperCheck.setChecked(False)
        self.ui.partsList.clear()
        self.picker.edit.clear()
        self.picker.results.clear()
        self.show_borrower()
        self.loans_model.reload()
        if not keep_message:
            self.banner.clear()
        self.picker.focus_search()

    def refresh(self) -> None:
        self.show_borrower()
        self.loans_model.reload()


class ToolsReturnForm(Form):
    FORM = "tools_return.ui"
    damagedRadio: QRadioButton
    goodRadio: QRadioButton
    lostRadio: QRadioButton
    missingRadio: QRadioButton
    refundEdit: QLineEdit
    renewButton: QPushButton
    returnBanner: QFrame
    returnBannerIcon: QLabel
    returnBannerText: QLabel
    returnButton: QPushButton
    returnCard: QLabel
    returnLog: QListWidget
    returnNotesEdit: QLineEdit
    returnPartsList: QListWidget
    returnScanEdit: QLineEdit


class ReturnTab(QWidget):
    """归还: scan a unit, its loan comes up; pick the condition (Alt+1..4), confirm with Ctrl+Enter
    or by scanning the same unit again. Scanning the slip's QR code lists what is still out."""

    CONDITION_RADIOS = (("goodRadio", tool_units.GOOD), ("damagedRadio", tool_units.DAMAGED),
                        ("missingRadio", tool_units.MISSING_PARTS), ("lostRadio", tool_units.LOST_ON_LOAN))

    def __init__(self, page: QWidget, ctx: AppContext, host: QWidget) -> None:
        super().__init__(host)
        self.page, self.ctx = page, ctx
        self.ui = ToolsReturnForm.load(self)
        self.banner = Banner(self.ui.returnBanner, self.ui.returnBannerIcon, self.ui.returnBannerText)
        self.pending: returns.OpenItem | None = None
        self.slip_no = ""
        self.refund_touched = False
        connect_scan(self.ui.returnScanEdit, self.scan)
        for number, (name, _condition) in enumerate(self.CONDITION_RADIOS, start=1):
            radio = getattr(self.ui, name)
            radio.toggled.connect(lambda on: on and self._condition_changed())
            QShortcut(QKeySequence(f"Alt+{number}"), self, activated=radio.click,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.ui.refundEdit.textEdited.connect(lambda _t: setattr(self, "refund_touched", True))
        self.ui.returnButton.clicked.connect(self.confirm)
        self.ui.renewButton.clicked.connect(self.renew)

    def condition(self) -> str:
        return next(c for name, c in self.CONDITION_RADIOS if getattr(self.ui, name).isChecked())

    def scan(self, text: str) -> None:
        code = tool_units.normalise_code(text)
        if self.pending is not None and code == self.pending.unit.asset_code:
            self.confirm()
            return
        if tool_units.is_slip_no(code):
            self.show_slip(code)
            return
        try:
            info = returns.open_item(code)
        except DomainError as exc:
            self._set_pending(None)
            self.banner.refuse(exc)
            return
        self._set_pending(info)
        late = f"，逾期 {info.days_overdue} 天" if info.days_overdue else ""
        self.banner.show("overdue" if info.days_overdue else "info",
                         f"{info.kind.name} {info.unit.asset_code}{late}。选好归还情况，按 Ctrl+Enter 或再扫一次确认。")

    def show_slip(self, slip_no: str) -> None:
        """The slip's QR code: show who borrowed what and which units are still out."""
        try:
            loan = lending.get_loan(slip_no)
        except DomainError as exc:
            self.banner.refuse(exc)
            return
        self._set_pending(None)
        self.slip_no = loan.slip_no
        out = [i for i in lending.loan_items(loan) if i.returned_at is None]
        self.ui.returnCard.setText(self._loan_html(loan) + "<br>未还：" + (
            "、".join(f"{i.unit.kind.name} {i.unit.asset_code}" for i in out) or "无（已全部归还）"))
        if out:
            self.banner.show("info", f"借用单 {loan.slip_no} 还有 {len(out)} 件未还，请逐件扫描要归还的工具。")
        else:
            self.banner.show("unavailable", f"借用单 {loan.slip_no} 的工具已全部归还。")

    def _loan_html(self, loan: m.Loan) -> str:
        r = loan.resident
        phone = idcard.mask_phone(r.phone) if r.phone else "无电话"
        renewals = f"　已续借 {loan.renewals} 次" if loan.renewals else ""
        return (f"<b style='font-size:15px'>借用单 {loan.slip_no}</b>　{r.name}　{phone}<br>"
                f"借出 {loan.lent_at:%Y-%m-%d %H:%M}　应还 {loan.due_date:%Y-%m-%d}{renewals}　"
                f"押金 ¥{yuan(loan.deposit_fen)}（已退 ¥{yuan(loan.deposit_refunded_fen)}）")

    def _set_pending(self, info: returns.OpenItem | None) -> None:
        self.pending = info
        self.slip_no = info.loan.slip_no if info else ""
        self.refund_touched = False
        self.ui.goodRadio.setChecked(True)
        self.ui.returnNotesEdit.clear()
        if info is None:
            self.ui.returnCard.setText("扫描要归还的工具。")
            self.ui.returnPartsList.clear()
            self.ui.refundEdit.clear()
            return
        others = [c for c in info.still_out if c != info.unit.asset_code]
        rest = f"<br>同单未还：{'、'.join(others)}" if others else "<br>这是该借用单最后一件未还的工具。"
        self.ui.returnCard.setText(
            f"<b style='font-size:16px'>{info.kind.name} {info.unit.asset_code}</b><br>"
            + self._loan_html(info.loan) + rest)
        fill_checklist(self.ui.returnPartsList, info.parts_out, info.parts_out)
        self._condition_changed()

    def _condition_changed(self) -> None:
        if self.pending is not None and not self.refund_touched:
            self.ui.refundEdit.setText(yuan(returns.suggested_refund(self.pending, self.condition())))

    @one_at_a_time
    def confirm(self) -> m.LoanItem | None:
        info = self.pending
        if info is None:
            self.banner.show("error", "请先扫描要归还的工具。")
            self.ui.returnScanEdit.setFocus()
            return None
        condition = self.condition()
        try:
            item = returns.return_unit(self.ctx.staff, info.unit.asset_code, condition,
                                     notes=self.ui.returnNotesEdit.text(), deposit_refund=self.ui.refundEdit.text(),
                                     parts_back=checked_names(self.ui.returnPartsList))
        except DomainError as exc:
            self.banner.refuse(exc)
            return None
        loan = lending.get_loan(info.loan.slip_no)
        refunded = loan.deposit_refunded_fen - info.loan.deposit_refunded_fen
        kept = lending.deposit_kept_fen(loan)
        closing = f"借用单 {loan.slip_no} 已全部归还" + (f"，押金扣留 ¥{yuan(kept)}" if kept else "") + "。" \
            if kept is not None else ""
        state = tool_units.STATE_AFTER_RETURN[condition]
        self.banner.show("ok" if condition == tool_units.GOOD else "limit",
                         f"已归还 {info.kind.name} {info.unit.asset_code}（{condition}，转为{state}），"
                         f"退还押金 ¥{yuan(refunded)}。{closing}")
        self.ui.returnLog.insertItem(0, f"{clock.now():%H:%M}　{info.unit.asset_code} {info.kind.name}　"
                                        f"{condition}　{info.resident.name}　退押金 ¥{yuan(refunded)}")
        self._set_pending(None)
        self.ctx.bus.data_changed.emit(Topic.TOOLS)
        self.ui.returnScanEdit.setFocus()
        return item

    @one_at_a_time
    def renew(self) -> m.Loan | None:
        if not self.slip_no:
            self.banner.show("error", "请先扫描借出的工具或借用单二维码，再续借。")
            return None
        try:
            loan = lending.renew(self.ctx.staff, self.slip_no)
        except DomainError as exc:
            self.banner.refuse(exc)
            return None
        self.banner.show("ok", f"借用单 {loan.slip_no} 已续借（第 {loan.renewals} 次），新的应还日期 {loan.due_date:%Y-%m-%d}。")
        self._set_pending(None)
        self.ctx.bus.data_changed.emit(Topic.TOOLS)
        return loan
