"""The main window: navigation on the left, one page at a time, status bar with who and where."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QListWidgetItem, QMainWindow, QStackedWidget, QWidget

from gridstation.core.rules import clock
from gridstation.core.station.topics import Topic
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.feedback import show_message
from gridstation.ui.common.forms import Form
from gridstation.ui.common.keyboard import focus_first_inside
from gridstation.ui.common.status_labels import ElidedLabel, MessageLabel
from gridstation.ui.window.idle_lock import IdleWatcher
from gridstation.ui.window.navigation import PAGES, PageSpec

GEOMETRY_KEY = "mainWindow/geometry"
ACCOUNT_CHECK_MS = 30_000  # a deactivated or demoted account locks its windows within half a minute


def window_settings() -> QSettings:
    """This PC's own window settings (size, position), kept apart from the station's database.

    An INI file in the user's settings folder on every system, so tests can point it elsewhere.
    """
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "GridStation", "GridStation")


class MainWindowForm(Form):
    FORM = "main_window.ui"
    navList: QListWidget
    pageStack: QStackedWidget


class MainWindow(QMainWindow):
    first_painted = Signal()
    switch_staff_requested = Signal()
    staff_changed = Signal(object)  # a different staff member signed in at the lock screen

    def __init__(self, ctx: AppContext, *, remember_placement: bool = True) -> None:
        """The window itself needs no database: it paints at once and ``attach`` fills it after sign-in.

        It opens where it was last closed on this PC, or maximized the first time, so the status
        bar and every page's bottom buttons are on screen whatever its size (1366×768 and up).
        """
        super().__init__()
        self.ctx = ctx
        self.remember_placement = remember_placement
        self._painted = False
        self._pages: dict[str, QWidget] = {}
        self.specs: list[PageSpec] = []
        self.locked = False
        self.idle: IdleWatcher | None = None
        central = QWidget(self)
        self.setCentralWidget(central)
        self.ui = MainWindowForm.load(central)
        for spec in PAGES:  # greyed out until someone signs in
            item = QListWidgetItem(spec.title)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.ui.navList.addItem(item)
        self.ui.navList.currentRowChanged.connect(self._show_row)
        self._build_status_bar()
        self.ctx.bus.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        # One title pattern: each window says what it is; Qt adds " — 网格服务站" (the display name).
        self.setWindowTitle("")
        saved = window_settings().value(GEOMETRY_KEY) if remember_placement else None
        if saved is None or not self.restoreGeometry(saved):
            self.setWindowState(Qt.WindowState.WindowMaximized)
        if ctx.staff is not None:
            self.attach(ctx.staff)

    def attach(self, staff) -> None:
        """Signed in: the pages this role may use, the status bar, the idle lock, live updates."""
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.core.storage import settings
        from gridstation.ui.window.live_updates import LiveUpdates

        self.ctx.staff = staff
        self.specs = [p for p in PAGES if self._allowed(p)]
        self.ui.navList.clear()
        for spec in self.specs:
            item = QListWidgetItem(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.ui.navList.addItem(item)
        self._build_actions()
        self.ctx.bus.data_changed.connect(lambda _area: self.refresh_status())
        self.idle = IdleWatcher(float(settings.get("idle_lock_minutes")), self)
        QApplication.instance().installEventFilter(self.idle)
        self.idle.idle.connect(self.lock)
        self.ctx.bus.data_changed.connect(
            lambda area: area == Topic.SETTINGS and self.idle.set_minutes(float(settings.get("idle_lock_minutes"))))
        self.live_updates = LiveUpdates(self.ctx, self)  # other windows' saves refresh this one; lost-connection banner
        self.account_timer = QTimer(self)  # rights go with the account: a change elsewhere locks this window
        self.account_timer.setInterval(ACCOUNT_CHECK_MS)
        self.account_timer.timeout.connect(self.check_account)
        self.account_timer.start()
        self.refresh_status()
        if self._painted:
            self._after_first_paint()

    def _allowed(self, spec: PageSpec) -> bool:
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.core.station import roles

        return roles.allows(self.ctx.staff, spec.min_role)

    def take_placement_from(self, other: QMainWindow) -> None:
        """Another staff member takes over: the new window keeps the old one's size and maximized state."""
        self.restoreGeometry(other.saveGeometry())

    def _build_actions(self) -> None:
        for index, spec in enumerate(PAGES, start=1):  # Ctrl+4 is 设置 for every role, even without 统计
            if spec not in self.specs:
                continue
            action = QAction(spec.title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{index}"))
            action.triggered.connect(lambda _=False, key=spec.key: self.show_page(key))
            self.addAction(action)
        lock = QAction("锁定", self)
        lock.setShortcut(QKeySequence("Ctrl+L"))
        lock.triggered.connect(self.lock)
        self.addAction(lock)
        switch = QAction("切换人员", self)
        switch.setShortcut(QKeySequence("Ctrl+Shift+L"))
        switch.triggered.connect(self.switch_staff_requested.emit)
        self.addAction(switch)
        rectify = QAction("差评整改", self)  # 好差评: the head's list (core/evaluation/)
        rectify.setShortcut(QKeySequence("Ctrl+Shift+E"))
        rectify.triggered.connect(self.open_rectifications)
        self.addAction(rectify)

    def open_rectifications(self) -> QWidget | None:
        """The head's 差评整改 list; the services refuse anyone else, so others are told here first."""
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.core.station import roles
        from gridstation.ui.evaluation.evaluation_widgets import RectificationDialog

        if not roles.allows(self.ctx.staff, roles.HEAD):
            self.statusBar().showMessage("差评整改只有站长可以处理。", 5000)
            return None
        dialog = RectificationDialog(self.ctx, self)
        dialog.open()
        return dialog

    def _build_status_bar(self) -> None:
        """Messages on the left in their own room, then the counts, backups, who and where; the
        station's name is in the window title. Long lines give way with "…" (ui/status_labels.py)."""
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        self.message_label = MessageLabel()
        bar.messageChanged.connect(self.message_label.setText)
        bar.addPermanentWidget(self.message_label, 1)
        self.overdue_label = QLabel()
        self.staff_label = QLabel()
        self.db_label = ElidedLabel(Qt.TextElideMode.ElideMiddle, least=220)  # the drive and the file name
        self.backup_label = ElidedLabel(Qt.TextElideMode.ElideMiddle, least=420)  # the cause and the last good one
        self.backup_label.setObjectName("backupStatus")
        for label in (self.overdue_label, self.backup_label, self.staff_label, self.db_label):
            bar.addPermanentWidget(label)

    def lock(self):
        """Hide the work behind the sign-in dialog; the same or another staff member unlocks it."""
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.ui.station.login_dialog import LoginDialog

        if self.locked:
            return None
        self.locked = True
        self.centralWidget().setVisible(False)
        username = self.ctx.staff.username if self.ctx.staff else ""
        dialog = LoginDialog(self, username=username, locked=True)
        dialog.accepted.connect(lambda: self._unlock(dialog.staff))
        dialog.rejected.connect(dialog.open)  # no way past the lock but signing in
        dialog.open()
        return dialog

    def check_account(self):
        """Lock the window when its account was deactivated, removed or given another role since it
        signed in (by an administrator here or at another window); signing in again opens a window
        with the account's current rights. The services refuse meanwhile anyway (``roles.require``)."""
        # late import (start-up time): loaded on first use, after the window's first paint
        import peewee

        from gridstation.core.rules.errors import DatabaseProblem
        from gridstation.core.station import roles

        if self.ctx.staff is None or self.locked:
            return None
        try:
            unchanged = roles.still_holds(self.ctx.staff)
        except (peewee.OperationalError, peewee.InterfaceError, DatabaseProblem):
            return None  # the server is away: the live-updates banner says so; checked again next time
        if unchanged:
            return None
        dialog = self.lock()
        dialog.ui.messageLabel.setText("您的账号已停用或角色已变更，请重新登录。")
        return dialog

    def _unlock(self, staff) -> None:
        self.locked = False
        self.centralWidget().setVisible(True)
        if self.idle is not None:
            self.idle.timer.start()
        current = self.ctx.staff
        if staff is not None and current is not None and (staff.id != current.id or staff.role != current.role):
            self.staff_changed.emit(staff)  # another person, or the same account with other rights

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.remember_placement:
            window_settings().setValue(GEOMETRY_KEY, self.saveGeometry())
        if self.idle is not None:
            QApplication.instance().removeEventFilter(self.idle)
            self.idle.timer.stop()
            self.account_timer.stop()
        super().closeEvent(event)

    def refresh_status(self) -> None:
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.core.station import roles
        from gridstation.core.storage import db as dbmod
        from gridstation.core.storage import settings

        name = settings.get("station_name")
        self.setWindowTitle(str(name or ""))
        staff = self.ctx.staff
        who = f"{staff.display_name}（{roles.ROLE_NAMES.get(staff.role, staff.role)}）" if staff else "未登录"
        self.staff_label.setText(f"当前人员：{who}")
        # Where the data lives is the administrator's business; a clerk's status bar stays short.
        admin = staff is not None and roles.allows(staff, roles.ADMIN)
        self.db_label.setText(f"数据库：{dbmod.describe(self.ctx.target)}" if admin else "")
        self.db_label.setVisible(admin)
        self.refresh_backup_status()
        if self._painted:
            self.refresh_counts()

    def refresh_backup_status(self) -> None:
        """When the last good backup was made; red after a failed backup, orange after 24 hours
        without a good one. A server station is backed up by the server, so the line stays empty there."""
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.core.station import backup
        from gridstation.core.storage import db as dbmod

        if dbmod.is_url(self.ctx.target):
            self.backup_label.hide()
            return
        status = backup.last_backup_status()
        self.backup_label.setText(status.line())
        self.backup_label.setToolTip(status.failure or status.line())
        self.backup_label.setProperty("role", "error" if status.failure else "warn" if status.warning else "")
        self.backup_label.style().unpolish(self.backup_label)
        self.backup_label.style().polish(self.backup_label)

    def refresh_counts(self) -> None:
        # late import (start-up time): loaded on first use, after the window's first paint
        from gridstation.core.evaluation.rectification import count_overdue
        from gridstation.core.intake import intakes
        from gridstation.core.toolbox import loan_lists

        today = clock.today()
        late_intakes = intakes.count_overdue(today)
        late_tools = loan_lists.count_overdue(today=today)
        late_rectify = count_overdue(today)
        text = (f"逾期受理 {late_intakes} 件 · 逾期借用单 {late_tools} 张"
                + (f" · 逾期整改 {late_rectify} 件" if late_rectify else ""))
        # red and bold only when something is overdue: a warning that is always on is never read
        show_message(self.overdue_label, "error" if late_intakes or late_tools or late_rectify else "", text)

    def page(self, key: str) -> QWidget:
        """The page widget, created the first time it is shown."""
        if key not in self._pages:
            spec = next(s for s in self.specs if s.key == key)
            widget = spec.load()(self.ctx, self)
            self._pages[key] = widget
            self.ui.pageStack.addWidget(widget)
        return self._pages[key]

    def show_page(self, key: str) -> QWidget:
        keys = [s.key for s in self.specs]
        if key not in keys:
            raise KeyError(key)
        row = keys.index(key)
        self.page(key)  # made here, so a page that cannot be built raises to the caller, not in a slot
        if self.ui.navList.currentRow() != row:
            self.ui.navList.setCurrentRow(row)
        else:
            self.focus_page(self._pages[key])
        return self._pages[key]

    def focus_page(self, widget: QWidget) -> None:
        """The cursor goes where the page's work starts, so F2/F3/F4 and typing work at once."""
        start = getattr(widget, "focus_start", None)
        if start is not None:
            start()
        else:
            focus_first_inside(widget)

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        key = self.specs[row].key
        widget = self.page(key)
        self.ui.pageStack.setCurrentWidget(widget)
        refresh = getattr(widget, "refresh", None)
        if refresh is not None:
            refresh()
        self.focus_page(widget)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted.emit()
            QTimer.singleShot(0, self._after_first_paint)

    def _after_first_paint(self) -> None:
        """The window is on screen at once; the first page, icons and counts fill in right after."""
        if not self.specs:
            return  # not signed in yet: attach() comes back here
        if self.ui.navList.currentRow() < 0:
            self.ui.navList.setCurrentRow(0)
        # late import (start-up time): the helper loads the database layer, after the first paint
        from gridstation.ui.common.background import freeze_long_lived

        self._load_icons()
        self.refresh_counts()
        freeze_long_lived()  # the start-up's objects out of full collections (see there why)

    def _load_icons(self) -> None:
        """QtAwesome costs about half a second to import, so icons arrive after the first paint."""
        import qtawesome

        for row, spec in enumerate(self.specs):
            self.ui.navList.item(row).setIcon(qtawesome.icon(spec.icon, color="white"))
