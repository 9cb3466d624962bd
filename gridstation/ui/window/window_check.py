"""``selftest``'s look at the screens: every page and every dialog of the program opened once, offscreen.

The documents and the database can be sound while a screen cannot open: the bundle once left out a Qt
module (QtCharts) that only the 统计 page imports, and the head met 「程序发生意外错误」 there while
``selftest`` said 「自检通过」. So the self-test builds the signed-in window as the administrator,
shows each page, opens each dialog (a record's dialog on the newest record, when there is one) and
closes it again, without saving anything. An error raised there, or caught by Qt in a slot on the way,
is a line of the self-test's report.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.ui.common.background import wait_for_background, wait_while
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.pdf_preview import PdfPreviewDialog
from gridstation.ui.evaluation.evaluation_widgets import RectificationDialog
from gridstation.ui.evaluation.resident_screen import ResidentScreen
from gridstation.ui.events.daily_log_dialog import DailyLogDialog
from gridstation.ui.events.event_dialogs import EventDetailDialog, RegisterEventDialog
from gridstation.ui.events.event_lists_dialog import EventListsDialog
from gridstation.ui.grids.grid_dialogs import (
    BuildingDialog,
    GridChooseDialog,
    GridDateDialog,
    GridDialog,
    PersonDialog,
    RoleDialog,
    SplitDialog,
    UnitDialog,
)
from gridstation.ui.grids.unplaced_dialog import UnplacedDialog
from gridstation.ui.intake.intake_detail import IntakeDetailDialog
from gridstation.ui.intake.resident_dialog import ResidentDialog
from gridstation.ui.ledgers.import_wizard import ImportWizard
from gridstation.ui.station.login_dialog import LoginDialog
from gridstation.ui.station.service_dialog import ServiceDialog
from gridstation.ui.station.setup_wizard import SetupWizard
from gridstation.ui.window.navigation import PAGES
from gridstation.ui.window.screenshot import admin_window

Opener = Callable[[AppContext, QWidget, Path], QWidget | None]


def _newest_intake(ctx: AppContext, parent: QWidget, _pdf: Path) -> QWidget | None:
    intake = m.Intake.select().order_by(m.Intake.id.desc()).first()
    return IntakeDetailDialog(ctx, intake.serial, parent) if intake is not None else None


def _newest_event(ctx: AppContext, parent: QWidget, _pdf: Path) -> QWidget | None:
    event = m.GridEvent.select().order_by(m.GridEvent.id.desc()).first()
    return EventDetailDialog(ctx, event.number, parent) if event is not None else None


def _first_grid(make: Callable[[AppContext, m.Grid, QWidget], QWidget]) -> Opener:
    """An opener for a dialog about a grid: the station's first grid, or nothing to open without one."""
    def opener(ctx: AppContext, parent: QWidget, _pdf: Path) -> QWidget | None:
        grid = m.Grid.select().order_by(m.Grid.id).first()
        return make(ctx, grid, parent) if grid is not None else None
    return opener


# Every dialog and window of ``gridstation.ui`` (tests/ui/test_window_check.py keeps the list whole).
DIALOGS: dict[str, Opener] = {
    "新增居民": lambda ctx, parent, _pdf: ResidentDialog(ctx, parent),
    "受理详情": _newest_intake,
    "新增业务": lambda ctx, parent, _pdf: ServiceDialog(ctx, parent),
    "登记网格事件": lambda ctx, parent, _pdf: RegisterEventDialog(ctx, parent),
    "网格事件": _newest_event,
    "事件类别与协作单位": lambda ctx, parent, _pdf: EventListsDialog(ctx, parent),
    "民情日志": lambda ctx, parent, _pdf: DailyLogDialog(ctx, parent),
    "差评整改": lambda ctx, parent, _pdf: RectificationDialog(ctx, parent),
    "新增网格": lambda ctx, parent, _pdf: GridDialog(ctx, parent=parent),
    "新增楼栋": _first_grid(lambda ctx, grid, parent: BuildingDialog(ctx, grid, parent=parent)),
    "新增人员": lambda ctx, parent, _pdf: PersonDialog(ctx, parent=parent),
    "设置单元": lambda ctx, parent, _pdf: UnitDialog(ctx, 0, "自检楼栋", "", parent),
    "待归属地址": lambda ctx, parent, _pdf: UnplacedDialog(ctx, None, parent),
    "任命角色": _first_grid(lambda ctx, grid, parent: RoleDialog(ctx, grid, parent=parent)),
    # shown only: the self-test never saves, so the act they would take is none
    "撤销网格": lambda ctx, parent, _pdf: GridDateDialog(ctx, "撤销网格", "自检", lambda _day: None, parent),
    "拆分网格": _first_grid(lambda ctx, grid, parent: SplitDialog(ctx, grid, parent)),
    "合并到…": lambda ctx, parent, _pdf: GridChooseDialog(ctx, "合并到…", "自检", [], lambda _to: None, parent),
    "导入台账": lambda ctx, parent, _pdf: ImportWizard(ctx, parent),
    "登录": lambda _ctx, parent, _pdf: LoginDialog(parent),
    "首次使用设置": lambda ctx, parent, _pdf: SetupWizard(ctx.target, parent),
    "打印预览": lambda _ctx, parent, pdf: PdfPreviewDialog(pdf, "自检", parent),
    "居民评价": lambda _ctx, parent, _pdf: ResidentScreen(str(settings.get("station_name")), parent),
}


@contextmanager
def _errors_in_slots(problems: list[str], what: str) -> Iterator[None]:
    """An exception in a Qt slot never reaches the caller: Qt hands it to ``sys.excepthook``."""
    previous = sys.excepthook
    sys.excepthook = lambda _type, exc, _tb: problems.append(f"{what}：{type(exc).__name__}: {exc}")
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - the self-test reports any failure as a line
        problems.append(f"{what}：{type(exc).__name__}: {exc}")
    finally:
        sys.excepthook = previous


def _settle(app: QApplication, widget: QWidget | None = None) -> None:
    """Let the widget paint and its background work (figures, lists) finish."""
    app.processEvents()
    busy = getattr(widget, "busy", None)
    if busy is not None:
        wait_while(busy)
    wait_for_background()
    app.processEvents()


def open_every_window(pdf: Path, report: Callable[[str], None] = print) -> list[str]:
    """Show every page and open every dialog once, offscreen; ``pdf`` is the sample the preview shows."""
    window = admin_window()
    app = QApplication.instance()
    ctx = window.ctx
    problems: list[str] = []
    try:
        window.show()
        _settle(app)
        # A station with no administrator yet (an old file before its first sign-in) shows no pages to
        # anyone: nothing to open, said as such (the dialogs below still open).
        for spec in PAGES if ctx.staff is not None else ():
            before = len(problems)
            with _errors_in_slots(problems, f"页面“{spec.title}”打不开"):
                _settle(app, window.show_page(spec.key))
            if len(problems) == before:
                report(f"页面“{spec.title}”：通过")
        if ctx.staff is None:
            report("页面：站点里还没有启用的管理员账号，没有可打开的页面，已跳过")
        for title, opener in DIALOGS.items():
            before = len(problems)
            with _errors_in_slots(problems, f"窗口“{title}”打不开"):
                dialog = opener(ctx, window, pdf)
                if dialog is None:
                    report(f"窗口“{title}”：站点里还没有可打开的记录，已跳过")
                    continue
                dialog.show()
                _settle(app, dialog)
                dialog.hide()
                dialog.deleteLater()
            if len(problems) == before:
                report(f"窗口“{title}”：通过")
    finally:
        window.close()
        wait_for_background()
        window.deleteLater()
        app.processEvents()
    return problems
