"""Exports run off the GUI thread: the window keeps beating while thousands of rows are written."""

from __future__ import annotations

import time

from openpyxl import load_workbook
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from gridstation.core.storage import models as m
from gridstation.demo import demo
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.exporting import export_list


def test_exporting_the_residents_leaves_the_gui_thread_beating(qtbot, site_db, admin, tmp_path):
    demo.generate(residents=3000, intakes=10, loans=1, seed=3)
    ctx = AppContext(target=site_db, staff=admin)
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    messages: list[str] = []
    ctx.bus.status_message.connect(messages.append)
    beats: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: beats.append(time.perf_counter()))

    timer.start()
    out = export_list(widget, ctx, "residents", None, "居民名单", tmp_path / "residents.xlsx")
    timer.stop()

    assert out == tmp_path / "residents.xlsx"
    names = [row[0] for row in load_workbook(out, read_only=True).active.iter_rows(min_row=2, values_only=True)]
    assert len(names) == 3000 == m.Resident.select().count()
    assert messages == [f"已导出居民名单 3000 条：{out}"]
    assert len(beats) >= 10  # the timer kept firing while the file was written (none at all on the GUI thread)
    assert m.AuditLog.select().where(m.AuditLog.action == "导出").count() == 1


def test_a_refused_export_says_why_and_writes_nothing(qtbot, clerk, site_db, tmp_path):
    ctx = AppContext(target=site_db, staff=clerk)
    messages: list[str] = []
    ctx.bus.status_message.connect(messages.append)
    widget = QWidget()
    qtbot.addWidget(widget)
    assert export_list(widget, ctx, "residents", None, "居民名单", tmp_path / "r.xlsx", full_id=True) is None
    assert len(messages) == 1 and ("站长" in messages[0] or "管理员" in messages[0])
    assert not (tmp_path / "r.xlsx").exists()


def test_an_export_to_a_folder_that_is_gone_says_so_and_records_nothing(qtbot, site_db, admin, tmp_path):
    ctx = AppContext(target=site_db, staff=admin)
    messages: list[str] = []
    ctx.bus.status_message.connect(messages.append)
    widget = QWidget()
    qtbot.addWidget(widget)
    entries = m.AuditLog.select().count()
    out = tmp_path / "已拔出的U盘" / "居民.xlsx"
    assert export_list(widget, ctx, "residents", None, "居民名单", out) is None
    assert messages == [f"无法写入文件 {out}：文件夹 {out.parent} 不存在。"]
    assert m.AuditLog.select().count() == entries
