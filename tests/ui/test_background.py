"""The background-operation helper: work runs off the GUI thread, every answer arrives on it."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from PySide6.QtCore import Qt, QThread, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from gridstation.core.rules.errors import DomainError
from gridstation.core.station import accounts
from gridstation.core.storage import models as m
from gridstation.ui.common.background import GIL_SWITCH_S, UNEXPECTED, run_and_wait, run_in_background

ROOT = Path(__file__).resolve().parents[2]


def on_gui_thread() -> bool:
    return QThread.currentThread() is QApplication.instance().thread()


class Calls:
    """What the callbacks saw, and on which thread."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object, bool]] = []

    def __call__(self, name: str):
        return lambda *args: self.events.append((name, args, on_gui_thread()))

    def names(self) -> list[str]:
        return [name for name, _args, _gui in self.events]


def callbacks(calls: Calls) -> dict:
    return {"done": calls("done"), "failed": calls("failed"), "cancelled": calls("cancelled"),
            "progress": calls("progress")}


def test_result_and_progress_arrive_on_the_gui_thread_while_the_work_ran_off_it(qtbot, site_db):
    calls, work_thread = Calls(), []
    widget = QWidget()
    qtbot.addWidget(widget)

    def work(progress, cancelled):
        work_thread.append(on_gui_thread())
        progress(1, 2)
        progress(2, 2)
        return m.Staff.select().count()  # the worker reads the database on its own connection

    op = run_in_background(widget, work, **callbacks(calls))
    qtbot.waitUntil(lambda: "done" in calls.names())
    assert work_thread == [False]
    assert calls.events == [("progress", (1, 2), True), ("progress", (2, 2), True), ("done", (1,), True)]
    assert not op.running


def test_a_domain_error_arrives_as_its_message(qtbot):
    calls = Calls()

    def work(progress, cancelled):
        raise DomainError("导出文件应以 .xlsx 结尾：a.txt。")

    run_in_background(None, work, **callbacks(calls))
    qtbot.waitUntil(lambda: bool(calls.events))
    assert calls.events == [("failed", ("导出文件应以 .xlsx 结尾：a.txt。",), True)]


def test_an_unexpected_error_is_logged_and_shown_in_chinese_without_a_traceback(qtbot, caplog):
    calls = Calls()

    def work(progress, cancelled):
        raise KeyError("internal_column")

    op = run_in_background(None, work, **callbacks(calls))
    qtbot.waitUntil(lambda: bool(calls.events))
    assert calls.events == [("failed", (UNEXPECTED,), True)]
    assert "internal_column" not in UNEXPECTED and "KeyError" in caplog.text
    assert op is not None


def test_cancel_stops_the_work_at_its_next_progress_report(qtbot):
    calls, started, reports = Calls(), threading.Event(), []

    def work(progress, cancelled):
        started.set()
        for n in range(10_000):
            reports.append(n)
            progress(n, 10_000)
            time.sleep(0.005)
        return "finished"

    op = run_in_background(None, work, **callbacks(calls))
    started.wait(5)
    op.cancel()
    qtbot.waitUntil(lambda: "cancelled" in calls.names())
    assert "done" not in calls.names() and len(reports) < 10_000
    assert calls.events[-1] == ("cancelled", (), True)


def test_work_that_polls_cancelled_and_gives_up_with_an_error_counts_as_cancelled(qtbot):
    calls, started = Calls(), threading.Event()

    def work(progress, cancelled):
        started.set()
        while not cancelled():
            time.sleep(0.005)
        raise DomainError("已停止")

    op = run_in_background(None, work, **callbacks(calls))
    started.wait(5)
    op.cancel()
    qtbot.waitUntil(lambda: bool(calls.events))
    assert calls.names() == ["cancelled"]


def test_the_dialogs_cancel_button_cancels_and_the_dialog_goes_away(qtbot):
    calls, started = Calls(), threading.Event()
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()

    def work(progress, cancelled):
        started.set()
        while True:
            progress(1, 3)
            time.sleep(0.01)

    op = run_in_background(widget, work, dialog="正在导出……", **callbacks(calls))
    dialog = op.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    assert dialog.labelText() == "正在导出……" and dialog.maximum() == 3
    assert isinstance(dialog, QProgressDialog)
    assert started.wait(5)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # the keyboard's 取消
    assert op.is_cancelled()
    qtbot.waitUntil(lambda: "cancelled" in calls.names(), timeout=15_000)
    assert op.dialog is None and not any(d.isVisible() for d in widget.findChildren(QProgressDialog))


def test_the_gui_thread_keeps_beating_while_long_work_runs(qtbot):
    """A 10 ms timer on the GUI thread keeps firing while a second of work runs in the background."""
    beats: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: beats.append(time.perf_counter()))
    calls = Calls()

    def work(progress, cancelled):
        end = time.perf_counter() + 1.0
        n = 0
        while time.perf_counter() < end:  # busy work, holding no lock the GUI needs
            n += 1
        return n

    timer.start()
    run_in_background(None, work, **callbacks(calls))
    qtbot.waitUntil(lambda: "done" in calls.names(), timeout=10_000)
    timer.stop()
    gaps = [b - a for a, b in itertools.pairwise(beats)]
    assert len(beats) >= 20  # the timer beat throughout instead of once after the work
    assert max(gaps) < 0.5


def test_run_and_wait_returns_the_result_and_the_event_loop_turns_meanwhile(qtbot):
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()

    def work(progress, cancelled):
        time.sleep(0.3)
        return 42

    assert run_and_wait(None, work, dialog="正在备份……") == (True, 42)
    timer.stop()
    assert len(ticks) >= 5

    def refused(progress, cancelled):
        raise DomainError("备份文件夹不可写")

    assert run_and_wait(None, refused, dialog="正在备份……") == (False, "备份文件夹不可写")


def test_the_exit_backup_is_complete_before_the_process_ends_and_the_window_keeps_painting(db_path, admin):
    """A real QApplication quitting: the backup runs off the GUI thread while the event loop turns."""
    from gridstation.core.intake import residents
    from tests.helpers import make_id

    for seq in range(100, 400):
        residents.save_resident(admin, residents.ResidentInput(name="居民", doc_number=make_id(seq=str(seq))))
    result = subprocess.run([sys.executable, "-m", "tests.workers.quit_with_backup", str(db_path)], cwd=ROOT, check=False,
                            capture_output=True, text=True, timeout=120, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.split("\n")
    backups = [line.split() for line in lines if line.startswith("gridstation-")]
    assert [(name.endswith("-exit.db"), int(count)) for name, count in backups] == [(True, 300)]
    assert int(next(line for line in lines if line.startswith("beats")).split()[1]) >= 1


def test_backup_now_in_the_settings_runs_in_the_background_and_reports_in_chinese(qtbot, admin, db_path, clerk):
    from gridstation.ui.common.context import AppContext
    from gridstation.ui.station.settings_tabs import BackupTab

    tab = BackupTab(AppContext(target=str(db_path), staff=admin))
    qtbot.addWidget(tab)
    tab.show()
    tab.refresh()
    tab.ui.backupButton.setFocus()
    qtbot.keyClick(tab.ui.backupButton, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: tab.ui.messageLabel.text().startswith("已备份并校验："), timeout=20_000)
    assert len(tab.files) == 1 and tab.ui.backupTable.rowCount() == 1

    accounts.set_active(admin, clerk.id, False)
    tab.ctx.staff = m.Staff.get_by_id(clerk.id)  # the service checks the account itself, in the worker too
    op = tab.backup_now()
    qtbot.waitUntil(lambda: not op.running, timeout=20_000)
    assert "已停用" in tab.ui.messageLabel.text() and len(tab.files) == 1


def test_keys_typed_while_run_and_wait_waits_are_held_back(qtbot):
    """A second Ctrl+Enter while a receipt is being written must not save a second intake."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QLineEdit

    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    edit.setFocus()
    QTimer.singleShot(50, lambda: QTest.keyClicks(edit, "abc"))

    def work(progress, cancelled):
        time.sleep(0.4)
        return "done"

    assert run_and_wait(edit, work, dialog="正在生成回执……") == (True, "done")
    assert edit.text() == ""
    qtbot.keyClicks(edit, "abc")  # and afterwards the keys reach the field again
    assert edit.text() == "abc"


def test_a_worker_hands_the_gil_back_to_the_gui_thread_within_half_a_millisecond(qtbot, site_db):
    """While a worker runs Python code (an export), the GUI thread waits for the GIL each time Qt calls
    into Python; at Python's 5 ms switch interval a dozen such waits froze the window 100-300 ms."""
    widget = QWidget()
    qtbot.addWidget(widget)
    seen: list[float] = []
    run_in_background(widget, lambda _progress, _cancelled: sys.getswitchinterval(), done=seen.append)
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [GIL_SWITCH_S] and GIL_SWITCH_S <= 0.0005
