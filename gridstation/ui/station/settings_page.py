"""设置: station details and the service catalogue (what each role may change is checked in core)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QWidget,
)

from gridstation.core.rules.errors import DomainError
from gridstation.core.station import catalog, roles, station
from gridstation.core.station.topics import Topic
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import settings
from gridstation.ui.common import local_settings
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.feedback import show_message
from gridstation.ui.common.forms import Form
from gridstation.ui.common.keyboard import button_keys
from gridstation.ui.common.saving import one_at_a_time


class SettingsPageForm(Form):
    FORM = "settings_page.ui"
    addressEdit: QLineEdit
    catalogMessage: QLabel
    catalogTab: QWidget
    databaseButton: QPushButton
    databaseEdit: QLineEdit
    editServiceButton: QPushButton
    idleSpin: QSpinBox
    labelLayoutCombo: QComboBox
    loanLimitSpin: QSpinBox
    newServiceButton: QPushButton
    noticeEdit: QLineEdit
    phoneEdit: QLineEdit
    prefixEdit: QLineEdit
    ratingWindowSpin: QSpinBox
    rectifySpin: QSpinBox
    printerCombo: QComboBox
    receiptSizeCombo: QComboBox
    renewSpin: QSpinBox
    saveStationButton: QPushButton
    serviceTable: QTableWidget
    stationMessage: QLabel
    stationNameEdit: QLineEdit
    stationTab: QWidget
    supervisionPhoneEdit: QLineEdit
    tabs: QTabWidget


class SettingsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ui = SettingsPageForm.load(self)
        self.ui.receiptSizeCombo.addItems(["A5", "80mm"])
        self.ui.labelLayoutCombo.addItems(["3x8", "4x10"])
        from PySide6.QtPrintSupport import QPrinterInfo

        self.ui.printerCombo.addItem("系统默认打印机", "")
        for name in QPrinterInfo.availablePrinterNames():
            self.ui.printerCombo.addItem(name, name)
        self.ui.saveStationButton.clicked.connect(self.save_station)
        # 好差评 deadlines (core/evaluation/rules.py), by their settings' keys
        self.rating_spins = {"rating_window_days": self.ui.ratingWindowSpin, "rectify_days": self.ui.rectifySpin}
        self.ui.databaseButton.clicked.connect(self.choose_database)
        button_keys((self.ui.saveStationButton, "Ctrl+S"), (self.ui.databaseButton, "Ctrl+D"))
        table = self.ui.serviceTable
        table.setColumnCount(5)
        table.setHorizontalHeaderLabels(["业务名称", "类别", "承诺时限（自然日）", "办理事项", "状态"])
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().setVisible(False)
        table.doubleClicked.connect(lambda _i: self.edit_service())
        self.ui.newServiceButton.clicked.connect(lambda: self.edit_service(new=True))
        self.ui.editServiceButton.clicked.connect(lambda: self.edit_service())
        QShortcut(QKeySequence("Ctrl+N"), self.ui.catalogTab, activated=self.ui.newServiceButton.click,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Return), table, activated=self.ui.editServiceButton.click,
                  context=Qt.ShortcutContext.WidgetShortcut)
        is_admin = roles.allows(ctx.staff, roles.ADMIN)
        is_head = roles.allows(ctx.staff, roles.HEAD)
        self.ui.stationTab.setEnabled(is_admin)
        self.ui.newServiceButton.setEnabled(is_head)
        self.ui.editServiceButton.setEnabled(is_head)
        if not is_admin:
            show_message(self.ui.stationMessage, "warn", "只有管理员可以修改服务站设置。")
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.ui.station.calendar_tab import CalendarTab
        from gridstation.ui.station.settings_tabs import AuditTab, BackupTab, StaffTab

        self.extra_tabs: dict[str, QWidget] = {"staff": StaffTab(ctx, self), "calendar": CalendarTab(ctx, self)}
        self.ui.tabs.addTab(self.extra_tabs["staff"], "人员与密码")
        self.ui.tabs.addTab(self.extra_tabs["calendar"], "开放日与节假日")
        if is_head:
            self.extra_tabs["audit"] = AuditTab(ctx, self)
            self.ui.tabs.addTab(self.extra_tabs["audit"], "操作日志")
        if is_admin:
            self.extra_tabs["backup"] = BackupTab(ctx, self)
            self.ui.tabs.addTab(self.extra_tabs["backup"], "备份与恢复")

    def refresh(self) -> None:
        values = settings.get_all()
        self.ui.stationNameEdit.setText(values["station_name"])
        self.ui.addressEdit.setText(values["station_address"])
        self.ui.phoneEdit.setText(values["station_phone"])
        self.ui.supervisionPhoneEdit.setText(values["supervision_phone"])
        self.ui.prefixEdit.setText(values["serial_prefix"])
        self.ui.receiptSizeCombo.setCurrentText(values["receipt_size"])
        self.ui.noticeEdit.setText(values["receipt_notice"])
        self.ui.idleSpin.setValue(int(values["idle_lock_minutes"]))
        self.ui.loanLimitSpin.setValue(int(values["loan_limit_units"]))
        self.ui.renewSpin.setValue(int(values["loan_max_renewals"]))
        self.ui.labelLayoutCombo.setCurrentText(values["label_layout"])
        for key, spin in self.rating_spins.items():
            spin.setValue(int(values[key]))
        printer = local_settings.printer()
        if printer and self.ui.printerCombo.findData(printer) < 0:
            self.ui.printerCombo.addItem(f"{printer}（未连接）", printer)
        self.ui.printerCombo.setCurrentIndex(max(self.ui.printerCombo.findData(printer), 0))
        self.ui.databaseEdit.setText(self.ctx.target)
        self.services = catalog.all_services()
        table = self.ui.serviceTable
        table.setRowCount(len(self.services))
        for row, svc in enumerate(self.services):
            cells = [svc.name, svc.category, str(svc.promised_days), "、".join(catalog.actions_of(svc)),
                     "启用" if svc.active else "停用"]
            for col, text in enumerate(cells):
                table.setItem(row, col, QTableWidgetItem(text))
        for tab in self.extra_tabs.values():
            tab.refresh()

    @one_at_a_time
    def save_station(self) -> None:
        values = {
            "station_name": self.ui.stationNameEdit.text(), "station_address": self.ui.addressEdit.text(),
            "station_phone": self.ui.phoneEdit.text(), "supervision_phone": self.ui.supervisionPhoneEdit.text(),
            "serial_prefix": self.ui.prefixEdit.text(),
            "receipt_size": self.ui.receiptSizeCombo.currentText(), "receipt_notice": self.ui.noticeEdit.text(),
            "idle_lock_minutes": self.ui.idleSpin.value(), "loan_limit_units": self.ui.loanLimitSpin.value(),
            "loan_max_renewals": self.ui.renewSpin.value(), "label_layout": self.ui.labelLayoutCombo.currentText(),
            **{key: spin.value() for key, spin in self.rating_spins.items()},
        }
        try:
            changed = len(station.update_settings(self.ctx.staff, values))
        except DomainError as exc:
            show_message(self.ui.stationMessage, "error", exc.message)
            return
        changed += local_settings.set_printer(self.ui.printerCombo.currentData() or "")  # this PC only
        show_message(self.ui.stationMessage, "ok", f"已保存（{changed} 项变更）。" if changed else "没有变更。")
        self.ctx.bus.data_changed.emit(Topic.SETTINGS)
        self.refresh()

    def choose_database(self) -> None:
        """Another database for this PC (e.g. the station's new PostgreSQL server) from the next start."""
        try:
            chosen = station.choose_database(self.ctx.staff, self.ui.databaseEdit.text())
        except DomainError as exc:
            show_message(self.ui.stationMessage, "error", exc.message)
            return
        show_message(self.ui.stationMessage, "ok", f"本机下次启动时将使用：{dbmod.describe(chosen)}。请退出后重新启动。")

    def edit_service(self, new: bool = False):
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.ui.station.service_dialog import ServiceDialog

        service = None
        if not new:
            row = self.ui.serviceTable.currentRow()
            if row < 0:
                show_message(self.ui.catalogMessage, "warn", "请先选择一项业务。")
                return None
            service = self.services[row]
        dialog = ServiceDialog(self.ctx, self, service)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        return dialog
