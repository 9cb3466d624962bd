"""Whether the window ever freezes: the longest gap between beats of a 10 ms timer on the GUI thread.

- ``gui_max_stall_ms``: while a scripted day at the counter runs in the real main window (find a
  resident, an intake with its receipt, lend a tool, take it back, export the one-year intake
  list, the monthly report, the pension roster), beside ``idle_max_stall_ms``: the same measure on
  the idle window. Target: under 100 ms. A timer that beats every 10 ms can only be late when the
  GUI thread is busy, so the gap is the longest freeze the clerk would have seen.

Each action of the day is what a clerk does with one key or click (type a number, choose the
resident, scan a tool, press 借出), run as its own turn of the event loop with a short pause
before the next (a clerk's next key never comes sooner): the figure is the longest the window
froze on any one action, or while the background work that actions started was running.

The day runs in a child process (``python bench_gui.py DB OUT_DIR``, offscreen) on a copy of the
cached database; it prints one JSON line with both figures and, per step, the longest gap, so a
stall can be traced to the step that caused it, with the CPU time the GUI thread itself spent in
the step (on a loaded machine a gap can also be the operating system running other processes).
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from common import Context, Figure, child_env

IDLE_SECONDS = 2.0
PAUSE_MS = 200  # between a clerk's keys or clicks


def run(ctx: Context) -> list[Figure]:
    copy = ctx.copy_db("gui.db")
    out = ctx.work_dir / "gui-out"
    out.mkdir(exist_ok=True)
    env = child_env(GRIDSTATION_DATA_DIR=str(ctx.work_dir / "gui-data"))  # the monthly report lands there
    result = subprocess.run([sys.executable, str(Path(__file__).resolve()), str(copy), str(out)],
                            capture_output=True, text=True, env=env, timeout=1800, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"the scripted day failed: {result.stderr.strip()[-2000:]}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print("gui steps (longest gap ms):", figures["steps"], file=sys.stderr)
    return [Figure("gui_max_stall_ms", figures["busy"], "ms", "idle_max_stall_ms", figures["idle"])]


class Beats:
    """A 10 ms timer on the GUI thread; the longest gap between its beats since ``mark``."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.times: list[float] = [time.perf_counter()]  # the last beat is always known, even before the first
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(lambda: self.times.append(time.perf_counter()))
        self.timer.start()

    def mark(self) -> int:
        self.times.append(time.perf_counter())
        return len(self.times) - 1

    def longest_since(self, start: int) -> float:
        self.times.append(time.perf_counter())
        stamps = self.times[start:]
        return max((b - a) * 1000 for a, b in itertools.pairwise(stamps))


def wait(condition: Callable[[], bool], timeout: float = 600.0) -> None:
    """Let the event loop turn (the timer keeps beating) until ``condition`` holds."""
    from PySide6.QtTest import QTest

    end = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > end:
            raise RuntimeError("the step did not finish in time")
        QTest.qWait(20)


def close_dialogs(window) -> None:
    from PySide6.QtWidgets import QApplication

    for top in QApplication.topLevelWidgets():
        if top is not window and top.isVisible():
            top.close()


def scripted_day(db: str, out_dir: Path) -> dict:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from gridstation.core.station import station
    from gridstation.core.storage import models as m
    from gridstation.core.toolbox import tool_units
    from gridstation.ui.common.context import AppContext
    from gridstation.ui.common.theme import apply_theme
    from gridstation.ui.window.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    apply_theme(app)
    station.open_site(db, create=False)
    admin = m.Staff.get(m.Staff.username == "admin")
    window = MainWindow(AppContext(target=db, staff=admin))
    window.resize(1366, 768)
    window.show()
    beats = Beats()
    wait(lambda: window._painted)  # the window's own first-paint flag
    for spec in window.specs:  # the clerk's day starts with the app open: each page built once
        window.show_page(spec.key)
        wait(lambda: time.perf_counter() - beats.times[-1] < 0.05)
    intake_page = window.show_page("intake")
    settle = beats.mark()
    wait(lambda: time.perf_counter() - beats.times[settle] > 1.0)

    start = beats.mark()
    wait(lambda: time.perf_counter() - beats.times[start] > IDLE_SECONDS)
    idle = beats.longest_since(start)

    resident = m.Resident.select().where(m.Resident.phone != "").order_by(m.Resident.id).first()
    unit = m.ToolUnit.select().where(m.ToolUnit.state == tool_units.AVAILABLE).order_by(m.ToolUnit.id).first()
    steps: dict[str, float] = {}

    def step(name: str, actions: Callable[[], Iterator[None]]) -> None:
        """``actions`` yields between a clerk's keys or clicks; the event loop turns at each."""
        begin, cpu = beats.mark(), time.thread_time()
        for _ in actions():
            QTest.qWait(PAUSE_MS)
        steps[name] = {"longest_gap_ms": round(beats.longest_since(begin), 1),
                       "gui_thread_cpu_ms": round((time.thread_time() - cpu) * 1000, 1)}

    def search() -> Iterator[None]:
        window.show_page("intake")
        intake_page.ui.tabs.setCurrentIndex(0)
        yield
        intake_page.picker.edit.setText(resident.phone[-4:])
        intake_page.picker.search_now()
        yield
        intake_page.choose_resident(resident.id)
        yield

    def intake_with_receipt() -> Iterator[None]:
        intake_page.ui.serviceCombo.setCurrentIndex(intake_page.ui.serviceCombo.findText("失业证"))
        yield
        intake_page.fields.widgets["docs_checked"].setChecked(True)
        yield
        intake_page.save()
        yield
        close_dialogs(window)
        yield

    def lend() -> Iterator[None]:
        tools_page = window.show_page("tools")
        tools_page.ui.printSlipCheck.setChecked(False)
        yield
        tools_page.lending.choose_borrower(resident.id)
        yield
        tools_page.lending.scan(unit.asset_code)
        yield
        tools_page.lending.lend()
        yield

    def take_back() -> Iterator[None]:
        tools_page = window.show_page("tools")
        yield
        tools_page.returns.scan(unit.asset_code)
        yield
        tools_page.returns.confirm()
        yield

    def export_year() -> Iterator[None]:
        window.show_page("intake")
        intake_page.ui.tabs.setCurrentIndex(1)
        yield
        intake_page.ui.viewCombo.setCurrentIndex(intake_page.ui.viewCombo.findData(""))  # 全部, the last year
        wait(lambda: not intake_page.list_model.loading)
        intake_page.export_list(out_dir / "intakes.xlsx")
        yield

    def monthly_report() -> Iterator[None]:
        stats_page = window.show_page("stats")
        wait(lambda: not stats_page.busy())
        stats_page.generate_monthly()
        wait(lambda: not stats_page.busy())
        yield
        close_dialogs(window)
        yield

    def roster() -> Iterator[None]:
        window.show_page("intake")
        intake_page.ui.tabs.setCurrentIndex(2)
        wait(lambda: intake_page.roster_job is None)
        yield

    day = beats.mark()
    for name, action in (("search", search), ("intake_receipt", intake_with_receipt), ("lend", lend),
                         ("return", take_back), ("export_year", export_year), ("monthly_report", monthly_report),
                         ("roster", roster)):
        step(name, action)
    busy = beats.longest_since(day)
    served = m.Intake.select().where(m.Intake.resident == resident.id).count()
    if not served or not (out_dir / "intakes.xlsx").exists() or not intake_page.roster_model.rowCount():
        raise RuntimeError("the scripted day did not do its work")
    window.close()
    return {"idle": round(idle, 1), "busy": round(busy, 1), "steps": steps}


if __name__ == "__main__":
    print(json.dumps(scripted_day(sys.argv[1], Path(sys.argv[2]))), flush=True)
