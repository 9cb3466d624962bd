"""首次使用向导 (first-run setup): the questions a new site answers before anyone can sign in.

Shown by app.py when the site database does not exist yet. Staff at a new station cannot run
``gridstation init``; the wizard asks the same things (and where data, backups and receipts go) and
creates the database through the core functions ``init`` uses, so the rules are the same.

Nothing is left behind by a failed or cancelled setup: the database is built under a temporary name
beside its final place and renamed only once every value has been stored.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QIcon
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
    QWizard,
    QWizardPage,
)

from gridstation.core.rules.errors import DomainError
from gridstation.core.station import accounts, audit, backup, station
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import paths
from gridstation.ui.common import local_settings
from gridstation.ui.common.file_dialogs import open_file_name
from gridstation.ui.common.forms import Form

RECEIPT_SIZES = [("A5", "A5（半张 A4 纸，普通打印机）"), ("80mm", "80 毫米热敏卷纸（小票打印机）")]
DEFAULT_PRINTER = "系统默认打印机"


def should_offer(target: str) -> bool:
    """First run: this PC's own database file is missing and someone can answer the questions.

    A database named with --db or GRIDSTATION_DB that is missing is a mistyped path or an unplugged
    drive, not a new station: that gets the usual message, never a fresh empty database.
    """
    if os.environ.get("QT_QPA_PLATFORM", "").split(":")[0] in ("offscreen", "minimal"):
        return False
    return target == str(paths.data_dir() / "gridstation.db") and not Path(target).exists()


def run_setup(target: str) -> str | None:
    """Show the wizard; the database it created (open, ready for sign-in), or None if cancelled."""
    wizard = SetupWizard(target)
    return wizard.created if wizard.exec() == QDialog.DialogCode.Accepted else None


class _FormPage(QWizardPage):
    """One page laid out by a .ui file; ``check`` runs on 下一步 and its refusal stays on the page."""

    def __init__(self, form: type[Form], title: str, subtitle: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.ui: Any = form.load(self)  # one of the four page forms below, each with its messageLabel
        self.check: Callable[[], None] = lambda: None

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        self.ui.messageLabel.setText("")
        try:
            self.check()
        except DomainError as exc:
            self.ui.messageLabel.setText(exc.message)
            return False
        return True


class SetupWizardStationForm(Form):
    FORM = "setup_wizard_station.ui"
    addressEdit: QLineEdit
    messageLabel: QLabel
    phoneEdit: QLineEdit
    prefixEdit: QLineEdit
    stationNameEdit: QLineEdit


class SetupWizardAdminForm(Form):
    FORM = "setup_wizard_admin.ui"
    messageLabel: QLabel
    nameEdit: QLineEdit
    passwordEdit: QLineEdit
    repeatEdit: QLineEdit
    usernameEdit: QLineEdit


class SetupWizardFoldersForm(Form):
    FORM = "setup_wizard_folders.ui"
    backupBrowseButton: QPushButton
    backupDirEdit: QLineEdit
    dataBrowseButton: QPushButton
    dataDirEdit: QLineEdit
    dataHint: QLabel
    messageLabel: QLabel


class SetupWizardPrintingForm(Form):
    FORM = "setup_wizard_printing.ui"
    messageLabel: QLabel
    printerCombo: QComboBox
    receiptSizeCombo: QComboBox
    summaryLabel: QLabel


class SetupWizard(QWizard):
    """服务站信息 → 管理员 → 数据与备份 → 打印; 完成 creates the database. 从备份恢复 on the first
    page takes an existing station's data instead (a new PC after a failure, or a move)."""

    def __init__(self, target: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target = target
        self.created: str | None = None
        self.setWindowTitle("首次使用设置")  # Qt adds " — 网格服务站"
        self.setWindowIcon(QIcon(str(paths.resource("icons", "gridstation.svg"))))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.setOption(QWizard.WizardOption.HaveCustomButton1)
        for button, text in ((QWizard.WizardButton.CustomButton1, "从备份恢复(&R)…"),
                             (QWizard.WizardButton.BackButton, "< 上一步(&B)"),
                             (QWizard.WizardButton.NextButton, "下一步(&N) >"),
                             (QWizard.WizardButton.FinishButton, "完成(&F)"),
                             (QWizard.WizardButton.CancelButton, "取消")):
            self.setButtonText(button, text)

        self.station_page = _FormPage(SetupWizardStationForm, "服务站信息",
                                      "印在回执、借用单和统计表上。以后可在“设置”页修改。")
        self.admin_page = _FormPage(SetupWizardAdminForm, "第一个管理员", "用这个账号登录后，再为窗口人员和站长建立账号。")
        self.folders_page = _FormPage(SetupWizardFoldersForm, "数据与备份",
                                      "数据库文件和自动备份放在哪里。")
        self.printing_page = _FormPage(SetupWizardPrintingForm, "打印", "受理回执的纸张和打印机。点“完成”建立数据库。")
        self.station_page.check = self._check_station
        self.admin_page.check = self._check_admin
        self.folders_page.check = self._check_folders
        self.printing_page.check = self._create
        for page in (self.station_page, self.admin_page, self.folders_page, self.printing_page):
            self.addPage(page)

        folders = self.folders_page.ui
        folders.dataDirEdit.setText(str(Path(target).parent))
        folders.backupDirEdit.setText(str(backup.default_backup_dir(target)))
        other_disk = "（如 D 盘）" if sys.platform == "win32" else "或分区"  # Linux and macOS have no drive letters
        folders.dataHint.setText(f"数据库文件 gridstation.db 放在这里。建议选不装系统的磁盘{other_disk}："
                                 "重装系统后数据仍在。")
        folders.dataBrowseButton.clicked.connect(lambda: self._browse(folders.dataDirEdit, "选择数据文件夹"))
        folders.backupBrowseButton.clicked.connect(lambda: self._browse(folders.backupDirEdit, "选择备份文件夹"))
        folders.dataDirEdit.textEdited.connect(self._data_folder_edited)
        printing = self.printing_page.ui
        for value, label in RECEIPT_SIZES:
            printing.receiptSizeCombo.addItem(label, value)
        printing.printerCombo.addItem(DEFAULT_PRINTER, "")
        for name in QPrinterInfo.availablePrinterNames():
            printing.printerCombo.addItem(name, name)
        self.customButtonClicked.connect(lambda _which: self._choose_backup())
        self.currentIdChanged.connect(self._page_shown)
        self.resize(640, 460)

    # The values as typed ------------------------------------------------------------------------

    def _text(self, page: _FormPage, name: str) -> str:
        widget: QLineEdit = getattr(page.ui, name)
        return widget.text().strip()

    def database_path(self) -> Path:
        return Path(self._text(self.folders_page, "dataDirEdit")) / Path(self.target).name

    def backup_folder(self) -> str:
        """The backup folder to store: empty while it is the default beside the database, so a
        database moved to another folder keeps its backups beside it."""
        chosen = self._text(self.folders_page, "backupDirEdit")
        return "" if Path(chosen) == backup.default_backup_dir(str(self.database_path())) else chosen

    # Checks, one per page; each raises DomainError with the message shown on the page -----------

    def _check_station(self) -> None:
        for key, name in (("station_name", "stationNameEdit"), ("station_address", "addressEdit"),
                          ("station_phone", "phoneEdit"), ("serial_prefix", "prefixEdit")):
            try:
                station.check_setting(key, self._text(self.station_page, name))
            except DomainError:
                getattr(self.station_page.ui, name).setFocus()
                raise

    def _check_admin(self) -> None:
        ui = self.admin_page.ui
        try:
            accounts.check_display_name(self._text(self.admin_page, "nameEdit"))
        except DomainError:
            ui.nameEdit.setFocus()
            raise
        if not self._text(self.admin_page, "usernameEdit"):
            ui.usernameEdit.setFocus()
            raise DomainError("请输入管理员登录名。")
        if ui.passwordEdit.text() != ui.repeatEdit.text():
            ui.passwordEdit.clear()
            ui.repeatEdit.clear()
            ui.passwordEdit.setFocus()
            raise DomainError("两次输入的密码不一致，请重新输入。")
        try:
            accounts.check_password_rules(ui.passwordEdit.text())
        except DomainError:
            ui.passwordEdit.setFocus()
            raise

    def _check_folders(self) -> None:
        ui = self.folders_page.ui
        for edit, what in ((ui.dataDirEdit, "数据文件夹"), (ui.backupDirEdit, "备份文件夹")):
            text = edit.text().strip()
            if not text or not Path(text).is_absolute():
                edit.setFocus()
                example = "D:\\网格服务站数据" if sys.platform == "win32" else "/srv/网格服务站数据"
                raise DomainError(f"请填写{what}的完整路径，如 {example}，或点“浏览…”选择。")
        if self.database_path().exists():
            ui.dataDirEdit.setFocus()
            raise DomainError(f"{self.database_path()} 已经存在，本向导不会覆盖它。请另选数据文件夹；"
                              "如果这是从旧电脑复制来的数据，请把它放回原来的数据文件夹后重新启动。")
        station.check_setting("backup_dir", self.backup_folder())
        if self.backup_folder():  # one of its own, often on a USB stick: it must be there now
            try:
                backup.check_backup_folder(Path(self.backup_folder()))
            except DomainError:
                ui.backupDirEdit.setFocus()
                raise

    # Page changes --------------------------------------------------------------------------------

    def _browse(self, edit: QLineEdit, title: str) -> None:
        chosen = QFileDialog.getExistingDirectory(self, title, edit.text())
        if chosen:
            edit.setText(str(Path(chosen)))
            if edit is self.folders_page.ui.dataDirEdit:
                self._data_folder_edited(chosen)

    def _data_folder_edited(self, text: str) -> None:
        """Backups follow the data folder until someone chooses a folder of their own for them."""
        ui = self.folders_page.ui
        if text.strip() and not ui.backupDirEdit.isModified():
            ui.backupDirEdit.setText(str(Path(text.strip()) / "backups"))

    def _page_shown(self, page_id: int) -> None:
        # Restoring replaces the whole setup, so it is offered before any question is answered.
        self.button(QWizard.WizardButton.CustomButton1).setVisible(self.page(page_id) is self.station_page)
        if self.page(page_id) is self.printing_page:
            backups = self.backup_folder() or str(backup.default_backup_dir(str(self.database_path())))
            self.printing_page.ui.summaryLabel.setText(
                f"将建立：{self._text(self.station_page, 'stationNameEdit')}\n"
                f"管理员：{self._text(self.admin_page, 'nameEdit')}（登录名 {self._text(self.admin_page, 'usernameEdit')}）\n"
                f"数据库：{self.database_path()}\n备份：{backups}")

    # Restoring instead of creating ---------------------------------------------------------------

    def _choose_backup(self) -> None:
        chosen = open_file_name(self, "选择备份文件", "backups", "网格服务站备份 (*.db);;所有文件 (*)")
        if chosen:
            self.restore_from(Path(chosen))

    def restore_from(self, source: Path) -> bool:
        """A new PC after a failure, or a move: take the station's data from a backup file instead.

        The backup is checked before anything is written (not a GridStation database, or damaged:
        the message says so and nothing is created).
        """
        self.station_page.ui.messageLabel.setText("")
        try:
            backup.verify_file(source)
            Path(self.target).parent.mkdir(parents=True, exist_ok=True)
            station.restore_file(None, self.target, source)
        except DomainError as exc:
            self.station_page.ui.messageLabel.setText(exc.message)
            return False
        except OSError as exc:
            self.station_page.ui.messageLabel.setText(
                f"无法写入数据文件夹 {Path(self.target).parent}：{exc.strerror or exc}。")
            return False
        self.created = self.target
        # QWizard.done() would first validate the (unanswered) station page; restoring needs no answers.
        QDialog.done(self, QDialog.DialogCode.Accepted)
        return True

    # Creating the database -----------------------------------------------------------------------

    def _create(self) -> None:
        """Build the database under a temporary name, store every answer, then put it in place."""
        final = self.database_path()
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DomainError(f"无法建立数据文件夹 {final.parent}：{exc.strerror or exc}。请另选文件夹。") from None
        temporary = final.with_name(f".{final.name}.setup-{os.getpid()}")
        printing = self.printing_page.ui
        admin = self.admin_page.ui
        values: dict[str, object] = {"receipt_size": printing.receiptSizeCombo.currentData()}
        if self.backup_folder():
            values["backup_dir"] = self.backup_folder()
        try:
            station.create_site(
                str(temporary), self._text(self.station_page, "stationNameEdit"),
                self._text(self.admin_page, "usernameEdit"), admin.passwordEdit.text(),
                address=self._text(self.station_page, "addressEdit"), phone=self._text(self.station_page, "phoneEdit"),
                serial_prefix=self._text(self.station_page, "prefixEdit"),
                admin_name=self._text(self.admin_page, "nameEdit"), more_settings=values)
            dbmod.close_database()
            os.replace(temporary, final)
            audit.move_anchor(str(temporary), str(final))
        except BaseException as exc:
            dbmod.close_database()
            for leftover in (temporary, Path(f"{temporary}-wal"), Path(f"{temporary}-shm"),
                             audit.anchor_path(str(temporary))):
                leftover.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise DomainError(f"无法在 {final.parent} 中建立数据库：{exc.strerror or exc}。请另选数据文件夹。") from None
            raise
        if final != Path(self.target):
            paths.remember_database(str(final))
        station.open_site(str(final), create=False)
        local_settings.set_printer(printing.printerCombo.currentData() or "")  # a setting of this PC
        self.created = str(final)
