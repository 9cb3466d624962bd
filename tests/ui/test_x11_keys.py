"""The window's Ctrl keys while the cursor is in a text box, on a real X server (issue: Qt's X11 key
scheme makes a focused line edit take Ctrl+E as "end of line", so 导出 (Ctrl+E) on the 居民 page and
登记评价 (Ctrl+E) did nothing while staff were typing; offscreen Qt has no such scheme and never showed it).

The real program on Xvfb with openbox, keys typed by xdotool (``test_x11_second_screen.py``'s driver).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator

import pytest

from tests.ui.test_x11_second_screen import Counter, Display, Place, pytestmark, start_openbox, start_server, wait_for

pytestmark = [*pytestmark, pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb (apt-get install xvfb)")]
SCREEN = Place(0, 0, 0, 1366, 768)


@pytest.fixture
def display(tmp_path) -> Iterator[Display]:
    """One 1366×768 Xvfb screen with openbox; stopped afterwards."""
    started: list[subprocess.Popen] = []
    try:
        name = start_server(["Xvfb", "-displayfd", "1", "-nolisten", "tcp", "-screen", "0", "1366x768x24"], started)
        start_openbox(name, started)
        yield Display(name, first=SCREEN, second=SCREEN)
    finally:
        for process in reversed(started):
            process.terminate()
            process.wait(timeout=10)


def test_ctrl_e_in_a_text_box_runs_the_windows_export(display, db_path, clerk, tmp_path):
    counter = Counter(display, str(db_path), tmp_path)
    try:
        wait_for("the sign-in dialog", lambda: counter.status().get("active", "").endswith("登录"))
        counter.sign_in("admin")
        counter.wait("the counter", lambda s: s["counters"] and s["focus_text"] == "")
        counter.key("ctrl+2")  # 居民: the cursor in its search box
        counter.type("zhang")
        counter.wait("the typing in the search box", lambda s: s["focus_text"] == "zhang")
        counter.key("Home", "ctrl+e")  # 导出… (Ctrl+E), not "end of line"
        counter.wait("the export's file dialog", lambda s: "导出居民名单" in s["active"])
        counter.key("Escape")
        counter.wait("the search box again", lambda s: s["focus_text"] == "zhang")
        counter.key("alt+F4")
        assert counter.process.wait(timeout=120) == 0
    finally:
        if counter.process.poll() is None:
            counter.process.kill()
            counter.process.wait(timeout=10)
