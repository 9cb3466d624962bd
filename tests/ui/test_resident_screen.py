"""The resident screen. With one screen (this session) there is no resident window; the two-screen
cases run in their own Qt process whose offscreen platform has three screens (counter 1366×768,
resident 1920×1080, a spare 1024×768), set by the offscreen plugin's JSON ``configfile``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QGuiApplication

from tests.ui.pages.test_intake_page import page  # noqa: F401 - the counter's page, as its own tests drive it

CASES = Path(__file__).with_name("resident_screen_cases.py")
SCREENS = {"screens": [
    {"name": "counter", "x": 0, "y": 0, "width": 1366, "height": 768, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
    {"name": "resident", "x": 1366, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96, "logicalBaseDpi": 96,
     "dpr": 1},
    {"name": "spare", "x": 3286, "y": 0, "width": 1024, "height": 768, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
]}


def test_one_screen_means_no_resident_window(page):
    assert len(QGuiApplication.screens()) == 1
    assert page.resident_screen is None


def test_two_screen_cases(tmp_path):
    config = tmp_path / "screens.json"
    config.write_text(json.dumps(SCREENS), encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
           "GRIDSTATION_SHOTS": os.environ.get("GRIDSTATION_SHOTS", str(tmp_path))}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(CASES)],
                         env=env, capture_output=True, text=True, timeout=300, cwd=Path(__file__).parent.parent)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "9 passed" in run.stdout and "skipped" not in run.stdout
