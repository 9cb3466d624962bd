"""The 逾期, 预约 and 盘点 tabs: following up on what is out, booked, and on the shelf."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from gridstation.core.intake import residents
from gridstation.core.rules import clock, idcard
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import printouts
from gridstation.core.station.topics import Topic
from gridstation.core.storage import models as m
from gridstation.core.toolbox import loan_lists, reservations, tool_units
from gridstation.core.toolbox import tool_stocktake as stock
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.feedback import show_message
from gridstation.ui.common.forms import Form
from gridstation.ui.common.keyboard import button_keys, tab_chain
from gridstation.ui.common.saving import one_at_a_time
from gridstation.ui.common.table_model import Column, Fetch, PagedTableModel, setup_table
from gridstation.ui.intake.resident_picker import ResidentPicker
from gridstation.ui.toolbox.tools_widgets import LOOKS, Banner, connect_scan, selected_row

WEEKDAYS = "一二三四五六日"
REMINDER_OUTCOMES = ("已接通，答应近日归还", "无人接听", "电话关机或停机", "号码有误", "已上门提醒")
AVAILABILITY_DAYS = 14


class ToolsOverdueForm(Form):
    FORM = "tools_overdue.ui"
    exportOverdueButton: QPushButton
    outcomeCombo: QComboBox
    overdueMessage: QLabel
    overdueSummary: QLabel
    overdueTable: QTableView
    phoneLabel: QLabel
    reminderButton: QPushButton
    revealPhoneButton: QPushButton


class OverdueTab(QWidget):
    """逾期: longest overdue first; the full phone number only on request (and audited).

    The list and its count load in the background: at 50 000 loans the overdue query costs about
    100 ms, and every 借出 or 归还 reloads it (the old rows stay in view meanwhile, the selected
    slip and the scroll position are kept). ``counted`` carries the count once it is in.
    """

    counted = Signal(int)

    def __init__(self, page: QWidget, ctx: AppContext, host: QWidget) -> None:
        super().__init__(host)
        self.page, self.ctx = page, ctx
        self.ui = ToolsOverdueForm.load(self)
        self._count: dict[str, int] = {}
        self.model = PagedTableModel([
            Column("借用单号", lambda r: r.loan.slip_no),
            Column("居民", lambda r: r.loan.resident.name),
            Column("电话", lambda r: r.masked_phone),
            Column("工具", lambda r: "、".join(f"{name} {code}" for name, code in r.tools)),
            Column("应还日期", lambda r: f"{r.loan.due_date:%Y-%m-%d}"),
            Column("逾期天数", lambda r: r.days_overdue),
            Column("催还次数", lambda r: r.reminders),
            Column("最近催还",
                   lambda r: f"{r.last_reminder_at:%Y-%m-%d %H:%M} {r.last_outcome}" if r.last_reminder_at else ""),
        ], query=self._query)
        self.model.loaded.connect(self._show_count)
        setup_table(self.ui.overdueTable, self.model)
        self.ui.outcomeCombo.addItems(list(REMINDER_OUTCOMES))
        self.ui.outcomeCombo.setCurrentText("")
        self.ui.revealPhoneButton.clicked.connect(self.reveal_phone)
        self.ui.reminderButton.clicked.connect(self.record_reminder)
        self.ui.exportOverdueButton.clicked.connect(lambda: self.export())
        self.ui.overdueTable.selectionModel().selectionChanged.connect(lambda *_: self.ui.phoneLabel.clear())

    def export(self, path=None):
        """The overdue list for the reminder calls, to Excel (phones and ID numbers masked)."""
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.ui.common.exporting import export_list

        return export_list(self.page, self.ctx, "overdue", None, "逾期未还清单", path)

    def _query(self) -> Fetch:
        """The fetch for the worker; the first page also counts the slips, into a box only this
        load fills (read on the GUI thread once ``loaded`` says the load is in)."""
        box: dict[str, int] = {}
        self._count = box

        def fetch(offset: int, limit: int) -> list[loan_lists.OverdueRow]:
            if offset == 0:
                box["count"] = loan_lists.count_overdue()
            return loan_lists.overdue_rows(offset=offset, limit=limit)

        return fetch

    def _show_count(self) -> None:
        count = self._count.get("count")
        if count is None:  # a later page scrolled in: the count is the one shown
            return
        self.ui.overdueSummary.setText(f"共 {count} 张借用单逾期未还。" if count else "目前没有逾期未还的工具。")
        self.counted.emit(count)

    def refresh(self) -> None:
        """Reload the list and the number of overdue slips (shown in the tab title) in the background."""
        self.model.reload()

    def _selected(self) -> loan_lists.OverdueRow | None:
        row = selected_row(self.ui.overdueTable)
        return self.model.row_at(row) if row >= 0 else None

    def _message(self, role: str, text: str) -> None:
        show_message(self.ui.overdueMessage, role, text)

    def reveal_phone(self) -> None:
        row = self._selected()
        if row is None:
            self._message("error", "请先在列表中选择一张借用单。")
            return
        phone = loan_lists.reveal_phone(self.ctx.staff, row.loan.slip_no)
        self.ui.phoneLabel.setText(f"{row.loan.resident.name}：{phone or '未登记电话'}")

    @one_at_a_time
    def record_reminder(self) -> m.ReminderCall | None:
        row = self._selected()
        if row is None:
            self._message("error", "请先在列表中选择一张借用单。")
            return None
        try:
            call = loan_lists.record_reminder(self.ctx.staff, row.loan.slip_no, self.ui.outcomeCombo.currentText())
        except DomainError as exc:
            self._message("error", exc.message)
            return None
        self._message("ok", f"已记录对 {row.loan.resident.name}（借用单 {row.loan.slip_no}）的催还。")
        self.ui.outcomeCombo.setCurrentText("")
        self.refresh()  # the selected slip stays selected: the model finds it again by its record
        return call


class AvailabilityModel(QAbstractTableModel):
    """Rows are kinds, columns are days; a cell shows the units free, its tooltip the whole count."""

    def __init__(self) -> None:
        super().__init__()
        self.days: list[dt.date] = []
        self.rows: list[tuple[str, list[reservations.DayCount]]] = []

    def load(self, start: dt.date, kinds: list[m.ToolKind]) -> None:
        """The grid of ``kinds``, in their order (the core's one Chinese order)."""
        self.beginResetModel()
        counts = reservations.availability(start, AVAILABILITY_DAYS, kind_ids=[kind.id for kind in kinds])
        self.rows = [(kind.name, counts[kind.id]) for kind in kinds]
        self.days = [start + dt.timedelta(days=i) for i in range(AVAILABILITY_DAYS)]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.days) + 1

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        name, days = self.rows[index.row()]
        if index.column() == 0:
            return name if role == Qt.ItemDataRole.DisplayRole else None
        day = days[index.column() - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(day.free)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{name} {day.day:%m-%d}：共 {day.total} 件，借出 {day.lent}，预约 {day.reserved}，可借 {day.free}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole and day.free == 0:
            return QBrush(QColor(LOOKS["unavailable"][0]))
        if role == Qt.ItemDataRole.BackgroundRole and day.reserved:
            return QBrush(QColor(LOOKS["reserved"][0]))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if section == 0:
            return "工具"
        day = self.days[section - 1]
        return f"{day:%m-%d}\n周{WEEKDAYS[day.weekday()]}"


class ToolsReserveForm(Form):
    FORM = "tools_reserve.ui"
    availabilityTable: QTableView
    cancelReservationButton: QPushButton
    reservationsTable: QTableView
    reserveBanner: QFrame
    reserveBannerIcon: QLabel
    reserveBannerText: QLabel
    reserveButton: QPushButton
    reserveEndEdit: QDateEdit
    reserveKindCombo: QComboBox
    reservePickerHost: QWidget
    reserveResidentLabel: QLabel
    reserveStartEdit: QDateEdit


class ReserveTab(QWidget):
    """预约: the availability grid, a reservation for a resident, and the list of active ones."""

    def __init__(self, page: QWidget, ctx: AppContext, host: QWidget) -> None:
        super().__init__(host)
        self.page, self.ctx = page, ctx
        self.ui = ToolsReserveForm.load(self)
        self.banner = Banner(self.ui.reserveBanner, self.ui.reserveBannerIcon, self.ui.reserveBannerText)
        self.picker = ResidentPicker(self.ui.reservePickerHost)
        host_layout = QVBoxLayout(self.ui.reservePickerHost)
        host_layout.setContentsMargins(0, 0, 0, 0)
        host_layout.addWidget(self.picker)
        self.picker.results.setMaximumHeight(90)
        tab_chain(self.ui.availabilityTable, self.picker.edit, self.picker.results, self.ui.reserveKindCombo)
        self.resident: m.Resident | None = None
        self.availability = AvailabilityModel()
        setup_table(self.ui.availabilityTable, self.availability)
        header = self.ui.availabilityTable.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.list_model = PagedTableModel([
            Column("工具", lambda r: r.kind.name),
            Column("居民", lambda r: r.resident.name),
            Column("电话", lambda r: idcard.mask_phone(r.resident.phone) if r.resident.phone else ""),
            Column("开始", lambda r: f"{r.start_date:%Y-%m-%d}"),
            Column("结束", lambda r: f"{r.end_date:%Y-%m-%d}"),
        ], lambda offset, limit: reservations.reservation_rows(offset=offset, limit=limit))
        setup_table(self.ui.reservationsTable, self.list_model)
        today = QDate(clock.today())
        self.ui.reserveStartEdit.setDate(today)
        self.ui.reserveEndEdit.setDate(today.addDays(1))
        self.picker.chosen.connect(self.choose_resident)
        self.picker.nobody.connect(self._forget_resident)
        self.ui.reserveButton.clicked.connect(self.reserve)
        self.ui.cancelReservationButton.clicked.connect(self.cancel)

    def refresh(self) -> None:
        reservations.expire_reservations(self.ctx.staff)
        kinds = reservations.bookable_kinds()
        self.availability.load(clock.today(), kinds)
        self.list_model.reload()
        current = self.ui.reserveKindCombo.currentData()
        self.ui.reserveKindCombo.clear()
        for kind in kinds:
            self.ui.reserveKindCombo.addItem(kind.name, kind.id)
        self.ui.reserveKindCombo.setCurrentIndex(max(0, self.ui.reserveKindCombo.findData(current)))

    def choose_resident(self, resident_id: int) -> None:
        self.resident = residents.get_resident(resident_id)
        self.ui.reserveResidentLabel.setText(f"预约人：{self.resident.name}　{idcard.mask_id(self.resident.doc_number)}")
        self.ui.reserveKindCombo.setFocus()

    def _forget_resident(self) -> None:
        self.resident = None
        self.ui.reserveResidentLabel.setText("请先查找居民。")

    @one_at_a_time
    def reserve(self) -> m.Reservation | None:
        if self.resident is None:
            self.banner.show("error", "请先查找预约的居民。")
            self.picker.focus_search()
            return None
        kind_id = self.ui.reserveKindCombo.currentData()
        if kind_id is None:
            self.banner.show("error", "工具清单中还没有可预约的工具。")
            return None
        try:
            reservation = reservations.reserve(self.ctx.staff, self.resident.id, kind_id,
                                        self.ui.reserveStartEdit.date().toPython(),
                                        self.ui.reserveEndEdit.date().toPython())
        except DomainError as exc:
            self.banner.refuse(exc)
            return None
        self.banner.show("ok", f"已为{self.resident.name}预约“{reservation.kind.name}”，"
                               f"{reservation.start_date:%Y-%m-%d} 至 {reservation.end_date:%Y-%m-%d}。")
        self.ctx.bus.data_changed.emit(Topic.TOOLS)
        return reservation

    @one_at_a_time
    def cancel(self) -> m.Reservation | None:
        """Cancel the selected reservation (Del); a second Del at once does not cancel the next one."""
        row = selected_row(self.ui.reservationsTable)
        if row < 0:
            self.banner.show("error", "请先在列表中选择要取消的预约。")
            return None
        reservation = self.list_model.row_at(row)
        try:
            reservations.cancel_reservation(self.ctx.staff, reservation.id)
        except DomainError as exc:
            self.banner.refuse(exc)
            return None
        self.banner.show("ok", f"已取消{reservation.resident.name}对“{reservation.kind.name}”的预约。")
        self.ctx.bus.data_changed.emit(Topic.TOOLS)
        return reservation


STOCK_LOOKS = {stock.MATCHED: "ok", stock.ON_LOAN_FOUND: "unavailable", stock.OTHER_STATE: "limit",
               stock.UNKNOWN: "unknown", stock.FOREIGN: "error"}


class ToolsStockForm(Form):
    FORM = "tools_stock.ui"
    finishStockButton: QPushButton
    printStockButton: QPushButton
    resetStockButton: QPushButton
    stockBanner: QFrame
    stockBannerIcon: QLabel
    stockBannerText: QLabel
    stockCountLabel: QLabel
    stockResultText: QTextBrowser
    stockScanEdit: QLineEdit
    stockScannedList: QListWidget


class StockTab(QWidget):
    """盘点: scan every unit on the shelf; each scan says at once whether it matches the records."""

    def __init__(self, page: QWidget, ctx: AppContext, host: QWidget) -> None:
        super().__init__(host)
        self.page, self.ctx = page, ctx
        self.ui = ToolsStockForm.load(self)
        self.banner = Banner(self.ui.stockBanner, self.ui.stockBannerIcon, self.ui.stockBannerText)
        self.scanned: list[str] = []
        self.result_id: int | None = None  # the stock-take shown on the right, once one is finished
        connect_scan(self.ui.stockScanEdit, self.scan)
        self.ui.finishStockButton.clicked.connect(self.finish)
        self.ui.resetStockButton.clicked.connect(self.reset)
        self.ui.printStockButton.clicked.connect(lambda: self.print_result())
        # Ctrl+N starts a new count, as 新建 does elsewhere; not Esc, which should not throw away a shelf of scans.
        button_keys((self.ui.printStockButton, "Ctrl+P"), (self.ui.resetStockButton, "Ctrl+N"))

    def scan(self, text: str) -> None:
        code = tool_units.normalise_code(text)
        if code in self.scanned:
            self.banner.show("info", f"{code} 已扫描过。")
            return
        category, unit = stock.scan_category(code)
        self.scanned.append(code)
        what = f"{code} {unit.kind.name}" if unit else code
        self.banner.show(STOCK_LOOKS[category], f"{what}：{stock.LABELS[category]}"
                         + (f"（{unit.state}）" if category == stock.OTHER_STATE else ""))
        item = QListWidgetItem(f"{what}　{stock.LABELS[category]}")
        item.setForeground(QBrush(QColor(LOOKS[STOCK_LOOKS[category]][1])))
        self.ui.stockScannedList.insertItem(0, item)
        self.ui.stockCountLabel.setText(f"已扫描 {len(self.scanned)} 件")

    @one_at_a_time
    def finish(self) -> stock.StockTakeResult | None:
        try:
            result = stock.stock_take(self.ctx.staff, self.scanned)
        except DomainError as exc:
            self.banner.refuse(exc)
            return None
        self.result_id = result.id
        self.ui.stockResultText.setHtml(result_html(result))
        self.banner.show("ok" if result.clean else "limit",
                         f"盘点结果已保存（第 {result.id} 号）：" + ("账实相符。" if result.clean else "有差异，请查看右侧。"))
        self.scanned = []
        self.ui.stockScannedList.clear()
        self.ui.stockCountLabel.setText("已扫描 0 件")
        return result

    def print_result(self) -> Path | None:
        """Preview the 盘点结果 to print and sign: the one just finished, else the newest saved."""
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.reports.stocktake import write_stocktake
        from gridstation.ui.common.printing import new_pdf_path, preview_document

        number = self.result_id
        if number is None:
            newest = stock.stock_take_rows(limit=1)
            if not newest:
                self.banner.show("error", "还没有保存过盘点结果，请先扫描并完成盘点。")
                return None
            number = newest[0].id
        try:
            path = write_stocktake(number, new_pdf_path(f"stocktake-{number}"))
            preview_document(self.page, self.ctx.staff, path, f"盘点结果 第{number}号", printouts.STOCKTAKE,
                             str(number))
        except DomainError as exc:
            self.banner.refuse(exc)
            return None
        return path

    def reset(self) -> None:
        self.scanned = []
        self.ui.stockScannedList.clear()
        self.ui.stockCountLabel.setText("已扫描 0 件")
        self.banner.clear()
        self.ui.stockScanEdit.setFocus()


def result_html(result: stock.StockTakeResult) -> str:
    sections = [(stock.MISSING, result.missing), (stock.ON_LOAN_FOUND, result.on_loan),
                (stock.OTHER_STATE, result.other_state), (stock.UNKNOWN, result.unknown),
                (stock.FOREIGN, result.foreign), (stock.MATCHED, result.matched)]
    parts = [f"<p><b>盘点时间：</b>{result.at:%Y-%m-%d %H:%M}　共扫描 {result.scanned} 件</p>"]
    for key, codes in sections:
        colour = LOOKS[STOCK_LOOKS.get(key, "unavailable")][1]
        listed = "、".join(html.escape(c) for c in codes) or "无"
        parts.append(f"<p><b style='color:{colour}'>{stock.LABELS[key]}（{len(codes)}）</b><br>{listed}</p>")
    return "".join(parts)
