"""The real program on an X display, for ``test_x11_second_screen.py``: ``app.run_gui`` as a station
runs it, plus a status file the test reads (which windows are open, which one Qt thinks is active,
what the focused text box holds), rewritten every 100 ms. Nothing of the program is replaced.

    python tests/ui/x11_counter.py DATABASE STATUS.json
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLineEdit

from gridstation import app as gui
from gridstation.ui.evaluation.resident_screen import ResidentScreen
from gridstation.ui.window.main_window import MainWindow


def status() -> dict:
    app = QApplication.instance()
    shown = [w for w in app.topLevelWidgets() if w.isVisible()]
    focus = app.focusWidget()
    return {
        "counters": [int(w.winId()) for w in shown if isinstance(w, MainWindow)],
        "residents": [int(w.winId()) for w in shown if isinstance(w, ResidentScreen)],
        "resident_screens": [app.screens().index(w.screen()) for w in shown if isinstance(w, ResidentScreen)],
        "resident_full_screen": [w.isFullScreen() for w in shown if isinstance(w, ResidentScreen)],
        "screens": len(app.screens()),
        "active": app.activeWindow().windowTitle() if app.activeWindow() else "",
        "focus_text": focus.text() if isinstance(focus, QLineEdit) else None,
    }


def write_status(path: Path) -> None:
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps(status(), ensure_ascii=False), encoding="utf-8")
    os.replace(partial, path)


def main(database: str, status_file: str) -> int:
    app = QApplication(sys.argv[:1])  # the one run_gui goes on with
    timer = QTimer(app, interval=100)
    timer.timeout.connect(lambda: write_status(Path(status_file)))
    timer.start()
    return gui.run_gui(database)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
