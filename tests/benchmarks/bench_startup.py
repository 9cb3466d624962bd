"""startup_first_paint_ms beside bare_qt_first_paint_ms (target: start-up within 2x the bare window).

Both are whole processes, offscreen, timed from just before the parent spawns them to the main
window's first paint, as the child reports it on stderr ("first-paint-ms N"). GridStation runs as
``python -m gridstation --db <copy>`` with GRIDSTATION_MEASURE_STARTUP=1 (app.py skips sign-in,
reports and exits); the bare baseline is a PySide6 QMainWindow of the same size and nothing else.
The two are run alternately so a busy machine slows both alike.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

from common import Context, Figure, child_env, median

BARE_WINDOW = """
import os, sys, time
from PySide6.QtWidgets import QApplication, QMainWindow

class Window(QMainWindow):
    painted = False

    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            spawned = float(os.environ["GRIDSTATION_SPAWN_TIME"])
            print(f"first-paint-ms {(time.time() - spawned) * 1000:.1f}", file=sys.stderr, flush=True)
            app.quit()

app = QApplication(sys.argv)
window = Window()
window.setWindowTitle("bare")
window.resize(1280, 800)
window.show()
app.exec()
"""
FIRST_PAINT = re.compile(r"first-paint-ms ([\d.]+)")


def first_paint_ms(command: list[str]) -> float:
    env = child_env(GRIDSTATION_MEASURE_STARTUP="1", GRIDSTATION_SPAWN_TIME=repr(time.time()))
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    found = FIRST_PAINT.search(result.stderr)
    if found is None:
        raise RuntimeError(f"no first-paint-ms from {command[1:3]} (exit {result.returncode}): {result.stderr[-800:]}")
    return float(found.group(1))


def run(ctx: Context) -> list[Figure]:
    db = ctx.copy_db("startup.db")  # start-up may write (upgrade checks, housekeeping); keep the cache clean
    app = [sys.executable, "-m", "gridstation", "--db", str(db)]
    bare = [sys.executable, "-c", BARE_WINDOW]
    first_paint_ms(app)  # one untimed run of each, so neither is measured with a cold disk cache
    first_paint_ms(bare)
    app_ms, bare_ms = [], []
    for _ in range(ctx.repeat):
        bare_ms.append(first_paint_ms(bare))
        app_ms.append(first_paint_ms(app))
    return [Figure("startup_first_paint_ms", median(app_ms), "ms", "bare_qt_first_paint_ms", median(bare_ms))]
