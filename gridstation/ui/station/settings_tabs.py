"""The settings tabs for accounts, the audit log and backups (each shown only to roles allowed to use it)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from gridstation.core.ledgers import audit_text
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import accounts, audit, backup, roles, station
from gridstation.core.station.topics import Topic
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.ui.common.background import BackgroundOp, IsCancelled, Progress, run_in_background
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.feedback import show_message
from gridstation.ui.common.forms import Form
from gridstation.ui.common.keyboard import button_keys
from gridstation.ui.common.saving import one_at_a_time
from gridstation.ui.common.table_model import Column, PagedTableModel, setup_table


def fill_table(table, headers: list[str], rows: list[list[str]]) -> None:
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().setVisible(False)


class StaffTabForm(Form):
    FORM = "staff_tab.ui"
    addButton: QPushButton
    changePasswordButton: QPushButton
    displayNameEdit: QLineEdit
    messageLabel: QLabel
    newPasswordEdit: QLineEdit
    oldPasswordEdit: QLineEdit
    passwordEdit: QLineEdit
    renameButton: QPushButton
    repeatPasswordEdit: QLineEdit
    resetButton: QPushButton
    roleButton: QPushButton
    roleCombo: QComboBox
    staffGroup: QGroupBox
    staffTable: QTableWidget
    toggleButton: QPushButton
    usernameEdit: QLineEdit


class StaffTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ui = StaffTabForm.load(self)
        for key, name in roles.ROLE_NAMES.items():
            self.ui.roleCombo.addItem(name, key)
        self.ui.changePasswordButton.clicked.connect(self.change_password)
        self.ui.addButton.clicked.connect(self.add_staff)
        self.ui.resetButton.clicked.connect(self.reset_password)
        self.ui.toggleButton.clicked.connect(self.toggle_active)
        self.ui.roleButton.clicked.connect(self.change_role)
        self.ui.renameButton.clicked.connect(self.rename)
        button_keys((self.ui.changePasswordButton, "Ctrl+S"), (self.ui.addButton, "Ctrl+N"), (self.ui.resetButton, "Ctrl+R"),
              (self.ui.toggleButton, "Ctrl+T"), (self.ui.roleButton, "Ctrl+E"), (self.ui.renameButton, "Ctrl+M"))
        self.ui.staffGroup.setVisible(roles.reaches(ctx.role, roles.ADMIN))
        self.refresh()

    def refresh(self) -> None:
        self.staff = accounts.all_staff()
        fill_table(self.ui.staffTable, ["登录名", "姓名", "角色", "状态"],
              [[s.username, s.display_name, roles.ROLE_NAMES.get(s.role, s.role), "启用" if s.active else "停用"]
               for s in self.staff])

    def _say(self, role: str, text: str) -> None:
        show_message(self.ui.messageLabel, role, text)

    def _run(self, action, done: str) -> bool | None:
        """Run one service call; True when it went through (the message and the table say so), None
        when refused (so ``one_at_a_time`` lets the corrected form go at once)."""
        try:
            action()
        except DomainError as exc:
            self._say("error", exc.message)
            return None
        self._say("ok", done)
        self.refresh()
        return True

    @one_at_a_time
    def change_password(self) -> bool | None:
        if self.ui.newPasswordEdit.text() != self.ui.repeatPasswordEdit.text():
            self._say("error", "两次输入的新密码不一致。")
            return None
        changed = self._run(lambda: accounts.change_own_password(self.ctx.staff, self.ui.oldPasswordEdit.text(),
                                                                 self.ui.newPasswordEdit.text()), "密码已修改。")
        for edit in (self.ui.oldPasswordEdit, self.ui.newPasswordEdit, self.ui.repeatPasswordEdit):
            edit.clear()
        return changed

    @one_at_a_time
    def add_staff(self) -> bool | None:
        added = self._run(lambda: accounts.create_staff(self.ctx.staff, self.ui.usernameEdit.text(),
                                                        self.ui.displayNameEdit.text(), self.ui.roleCombo.currentData(),
                                                        self.ui.passwordEdit.text()),
                          f"已新增人员 {self.ui.usernameEdit.text()}。")
        self.ui.passwordEdit.clear()
        if added:  # an empty form for the next person; a refusal keeps what was typed to correct it
            self.ui.usernameEdit.clear()
            self.ui.displayNameEdit.clear()
            self.ui.roleCombo.setCurrentIndex(0)
            self.ui.usernameEdit.setFocus(Qt.FocusReason.OtherFocusReason)
        return added

    def _selected(self):
        row = self.ui.staffTable.currentRow()
        if row < 0:
            self._say("warn", "请先在表格中选择一位人员。")
            return None
        return self.staff[row]

    @one_at_a_time
    def reset_password(self) -> bool | None:
        staff = self._selected()
        if staff is None:
            return None
        return self._run(lambda: accounts.reset_password(self.ctx.staff, staff.id, self.ui.passwordEdit.text()),
                         f"已重置 {staff.username} 的密码为“初始密码”框中的内容。")

    @one_at_a_time
    def toggle_active(self) -> bool | None:
        """停用/启用 (Ctrl+T): a double press must not switch the account straight back."""
        staff = self._selected()
        if staff is None:
            return None
        return self._run(lambda: accounts.set_active(self.ctx.staff, staff.id, not staff.active),
                         f"已{'停用' if staff.active else '启用'} {staff.username}。")


    @one_at_a_time
    def change_role(self) -> bool | None:
        staff = self._selected()
        if staff is None:
            return None
        role = self.ui.roleCombo.currentData()
        return self._run(lambda: accounts.set_role(self.ctx.staff, staff.id, role),
                         f"已把 {staff.username} 改为{roles.ROLE_NAMES[role]}。")

    @one_at_a_time
    def rename(self) -> bool | None:
        """The name receipts print as 经办人, corrected (the first administrator was 「管理员」). Renaming
        oneself renames the signed-in account at once: the status bar and the next receipt show it."""
        staff = self._selected()
        if staff is None:
            return None
        name = self.ui.displayNameEdit.text()
        renamed: list[m.Staff] = []
        done = self._run(lambda: renamed.append(accounts.rename_staff(self.ctx.staff, staff.id, name)),
                         f"已把 {staff.username} 的姓名改为 {name.strip()}。")
        if done and self.ctx.staff is not None and renamed[0].id == self.ctx.staff.id:
            self.ctx.staff = renamed[0]
            self.ctx.bus.data_changed.emit(Topic.SETTINGS)  # the window's status bar reads ctx.staff again
        return done


class AuditTabForm(Form):
    FORM = "audit_tab.ui"
    acknowledgeButton: QPushButton
    actionFilterCombo: QComboBox
    auditTable: QTableView
    fromDate: QDateEdit
    messageLabel: QLabel
    toCaption: QLabel
    toDate: QDateEdit
    userFilterEdit: QLineEdit
    verifyButton: QPushButton


class AuditTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ui = AuditTabForm.load(self)
        self.ui.fromDate.setDate(QDate(clock.today()).addMonths(-1))
        self.ui.toDate.setDate(QDate(clock.today()))
        # Each row is (entry, its sentence): the sentences of a page are made together (audit_text).
        self.model = PagedTableModel([
            Column("时间", lambda row: f"{row[0].at:%Y-%m-%d %H:%M:%S}"),
            Column("操作", lambda row: row[0].action),
            Column("内容", lambda row: row[1]),
        ], self._fetch)
        setup_table(self.ui.auditTable, self.model)
        for signal in (self.ui.userFilterEdit.textChanged, self.ui.actionFilterCombo.currentIndexChanged,
                       self.ui.fromDate.dateChanged, self.ui.toDate.dateChanged):
            signal.connect(lambda *_changed: self.model.reload())  # the signal's value is no fetch function
        self.ui.verifyButton.clicked.connect(self.verify)
        self.ui.acknowledgeButton.clicked.connect(lambda: self.acknowledge())  # clicked's bool is no answer to the question
        button_keys((self.ui.verifyButton, "Ctrl+K"), (self.ui.acknowledgeButton, "Ctrl+Shift+K"))
        self._offer_acknowledge()

    def _offer_acknowledge(self) -> None:
        """Only an administrator acknowledges findings, and only while there are any (audit.acknowledge_findings)."""
        self.ui.acknowledgeButton.setVisible(roles.allows(self.ctx.staff, roles.ADMIN) and bool(audit.open_findings()))

    def acknowledge(self, confirm: bool = True) -> None:
        if confirm and QMessageBox.question(
                self, "确认篡改发现", "确认已经查看并处理了这些篡改发现？\n确认会记入操作日志，之后校验不再报告它们。"
        ) != QMessageBox.StandardButton.Yes:
            return
        try:
            count = audit.acknowledge_findings(self.ctx.staff)
        except DomainError as exc:
            show_message(self.ui.messageLabel, "error", exc.message)
            return
        show_message(self.ui.messageLabel, "ok", f"已确认 {count} 次篡改发现（已记入操作日志）。")
        self.refresh()

    def _fetch(self, offset: int, limit: int) -> list:
        q = audit.query_entries(self.ctx.staff, username=self.ui.userFilterEdit.text(),
                                action=self.ui.actionFilterCombo.currentData() or "",
                                date_from=self.ui.fromDate.date().toPython(), date_to=self.ui.toDate.date().toPython())
        entries = list(q.offset(offset).limit(limit))
        return list(zip(entries, audit_text.sentences(entries), strict=False))

    def refresh(self) -> None:
        current = self.ui.actionFilterCombo.currentData()
        self.ui.actionFilterCombo.blockSignals(True)
        self.ui.actionFilterCombo.clear()
        self.ui.actionFilterCombo.addItem("全部操作", "")
        for action in audit.known_actions():
            self.ui.actionFilterCombo.addItem(action, action)
        self.ui.actionFilterCombo.setCurrentIndex(max(self.ui.actionFilterCombo.findData(current), 0))
        self.ui.actionFilterCombo.blockSignals(False)
        self.model.reload()
        self._offer_acknowledge()

    def verify(self) -> None:
        try:
            problem = backup.verify_log(self.ctx.target)
        except DomainError as exc:
            show_message(self.ui.messageLabel, "error", exc.message)
            return
        if problem is None:
            show_message(self.ui.messageLabel, "ok", "哈希链校验通过：操作日志没有被修改、删除或插入。")
        else:
            show_message(self.ui.messageLabel, "error", f"第 {problem.entry_id} 条：{problem.reason}。")
        self._offer_acknowledge()


class BackupTabForm(Form):
    FORM = "backup_tab.ui"
    backupButton: QPushButton
    backupTable: QTableWidget
    browseButton: QPushButton
    folderEdit: QLineEdit
    messageLabel: QLabel
    restoreButton: QPushButton
    saveFolderButton: QPushButton


class BackupTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ui = BackupTabForm.load(self)
        self.ui.backupButton.clicked.connect(self.backup_now)
        # Not connected directly: clicked's checked=False reached ``confirm`` and the restore asked nothing.
        self.ui.restoreButton.clicked.connect(lambda _checked=False: self.restore_selected())
        self.ui.browseButton.clicked.connect(self._browse)
        self.ui.saveFolderButton.clicked.connect(self.save_folder)
        button_keys((self.ui.browseButton, "Ctrl+O"), (self.ui.saveFolderButton, "Ctrl+S"), (self.ui.backupButton, "Ctrl+B"),
              (self.ui.restoreButton, "Ctrl+R"))
        self.sqlite = not dbmod.is_url(ctx.target)
        self.setEnabled(self.sqlite)

    def folder(self) -> Path:
        return backup.backup_dir_for(self.ctx.target)

    def refresh(self) -> None:
        self.ui.folderEdit.setText(settings.get("backup_dir") or "")
        folder = self.folder()
        self.files = sorted(folder.glob("gridstation-*.db"), reverse=True) if folder.is_dir() else []
        fill_table(self.ui.backupTable, ["备份文件", "大小"],
              [[f.name, f"{f.stat().st_size / 1024:.0f} KB"] for f in self.files])

    def _say(self, role: str, text: str) -> None:
        show_message(self.ui.messageLabel, role, text)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "选择备份文件夹", str(self.folder()))
        if chosen:
            self.ui.folderEdit.setText(chosen)

    @one_at_a_time
    def save_folder(self) -> bool | None:
        """Store the backup folder, checked as the first-run wizard checks it (``backup.check_backup_folder``):
        a folder on a USB drive that is not plugged in is refused now, not by the next backup."""
        chosen = self.ui.folderEdit.text().strip()
        try:
            if chosen:  # empty: beside the database, which is always there
                backup.check_backup_folder(Path(chosen))
            station.update_settings(self.ctx.staff, {"backup_dir": chosen})
        except DomainError as exc:
            self._say("error", exc.message)
            self.ui.folderEdit.setFocus()
            return None
        self._say("ok", f"备份文件夹：{self.folder()}")
        self.refresh()
        return True

    def backup_now(self) -> BackgroundOp:
        """Seconds at the README's scale: off the GUI thread, behind a progress dialog. The service
        checks the role and records a failure; the status bar's backup line is told either way."""
        staff, target = self.ctx.staff, self.ctx.target

        def work(_progress: Progress, _cancelled: IsCancelled) -> backup.BackupResult:
            return backup.backup_site(staff, target, label="manual")

        return run_in_background(self, work, dialog="正在备份数据……", cancellable=False,
                                 done=self._backed_up, failed=self._backup_failed)

    def _backup_failed(self, text: str) -> None:
        self._say("error", text)
        self.ctx.bus.data_changed.emit(Topic.BACKUP)  # the status bar's backup line

    def _backed_up(self, result: backup.BackupResult) -> None:
        self.ctx.bus.data_changed.emit(Topic.BACKUP)
        self._say("ok", f"已备份并校验：{result.path.name}")
        self.refresh()

    @one_at_a_time
    def restore_selected(self, confirm: bool = True) -> None:
        row = self.ui.backupTable.currentRow()
        if row < 0:
            self._say("warn", "请先选择一个备份文件。")
            return
        source = self.files[row]
        if confirm and QMessageBox.question(
                self, "恢复数据库", f"用 {source.name} 替换当前数据库？\n当前数据库会先另存为备份。") != QMessageBox.StandardButton.Yes:
            return
        try:
            kept = station.restore_file(self.ctx.staff, self.ctx.target, source)
        except DomainError as exc:
            self._say("error", exc.message)
            return
        self._say("ok", f"已从 {source.name} 恢复。原数据库另存为 {kept.name if kept else '（无）'}。")
        self.ctx.bus.data_changed.emit(Topic.INTAKE)
        self.refresh()
