"""The status bar at the counter's 1366 pixels: nothing cut at random or drawn over, red only when
something is overdue (issue: 「逾期受理 0 件」 red and bold at zero, the backup failure and database
path cut off, messages drawn over the counts)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication

from gridstation.app import run_backup
from gridstation.core.intake import intakes, residents
from gridstation.core.rules import clock
from gridstation.core.station import station
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.theme import apply_theme
from gridstation.ui.window.main_window import MainWindow
from tests.helpers import make_id, show_at_counter_size


def counter_window(qtbot, db_path, admin) -> MainWindow:
    apply_theme(QApplication.instance())  # the bundled font: the widths the counter sees
    window = show_at_counter_size(qtbot, MainWindow(AppContext(target=str(db_path), staff=admin)))
    qtbot.waitUntil(lambda: window._painted)
    return window


def test_the_counts_are_red_only_when_something_is_overdue(qtbot, db_path, admin):
    window = counter_window(qtbot, db_path, admin)
    window.refresh_counts()
    assert "逾期受理 0 件" in window.overdue_label.text() and window.overdue_label.property("role") != "error"
    zhao = residents.save_resident(admin, residents.ResidentInput("赵大山", make_id("530111", "19700101", "013")))
    intakes.create_intake(admin, intakes.IntakeInput(zhao.id, "失业证", "年检", {"cert_no": "1", "docs_checked": True},
                                                     received_at=clock.now() - dt.timedelta(days=40)))
    window.refresh_counts()
    assert "逾期受理 1 件" in window.overdue_label.text() and window.overdue_label.property("role") == "error"


def test_a_backup_failure_the_path_and_a_message_share_the_bar_without_overlapping(qtbot, db_path, admin, tmp_path):
    station.update_settings(admin, {"backup_dir": str(tmp_path / "media" / "站长" / "U盘" / "网格服务站备份")})
    window = counter_window(qtbot, db_path, admin)
    run_backup(window, "daily")
    label = window.backup_label
    qtbot.waitUntil(lambda: label.text().startswith("备份失败"), timeout=20000)
    bar = window.statusBar()
    window.ctx.bus.status_message.emit("已登记 赵大山 的认证，受理编号 SL202612070001。")
    QApplication.processEvents()
    shown = [w for w in (window.message_label, window.overdue_label, label, window.staff_label, window.db_label)
             if w.isVisible()]
    assert window.message_label in shown and window.message_label.shown_text().startswith("已登记 赵大山")
    rects = [QRect(w.mapTo(bar, w.rect().topLeft()), w.size()) for w in shown]
    for n, rect in enumerate(rects):
        assert bar.rect().contains(rect), shown[n].text()
        assert not any(rect.intersects(other) for other in rects[n + 1:]), shown[n].text()
    assert window.overdue_label.width() >= window.overdue_label.sizeHint().width()  # the counts whole
    assert label.shown_text().startswith("备份失败：备份文件夹不存在") and label.shown_text().endswith("从未备份）")
    assert "U 盘或移动硬盘是否已插好" in label.toolTip()
    assert str(db_path) == window.db_label.toolTip().removeprefix("数据库：")
    assert window.db_label.shown_text().startswith("数据库：/") and window.db_label.shown_text().endswith("station.db")
    bar.clearMessage()
    QApplication.processEvents()
    assert not window.message_label.isVisible()
