"""The resident screen on a real X server with a window manager and two screens (issue: the resident
window took the keyboard after every sign-in and take-over, stayed after the counter closed with the
process still running and no exit backup, and a take-over left two of them).

Xvfb with two X screens (Qt makes one QScreen of each), openbox managing each, and the real program
(``x11_counter.py`` runs ``app.run_gui`` and writes what it shows to a status file). The keys are
typed with xdotool as a clerk types them; the focused window is the X server's own answer
(``xdotool getwindowfocus``). Skipped where Xvfb, openbox or xdotool is not installed (.ci/run
installs them). Every wait is bounded.
"""

from __future__ import annotations

import ctypes.util
import json
import os
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gridstation.core.station import backup
from tests.conftest import PASSWORD
from tests.helpers import ROOT

TOOLS = ("Xvfb", "openbox", "xdotool")
pytestmark = [
    pytest.mark.skipif(any(shutil.which(t) is None for t in TOOLS),
                       reason="needs Xvfb, openbox and xdotool (apt-get install xvfb openbox xdotool)"),
    pytest.mark.skipif(ctypes.util.find_library("xcb-cursor") is None,
                       reason="Qt's xcb platform needs libxcb-cursor0 (.ci/run installs it)"),
]
DRIVER = Path(__file__).with_name("x11_counter.py")
WAIT_S = 30


def wait_for(what: str, check: Callable[[], object], timeout: float = WAIT_S) -> object:
    """Poll ``check`` until it returns something true; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)  # polling a condition, not timing


@pytest.fixture
def display(tmp_path) -> Iterator[str]:
    """A fresh Xvfb with two 1366×768 screens, openbox on each; everything stopped afterwards."""
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", "1", "-nolisten", "tcp", "-screen", "0", "1366x768x24",
                             "-screen", "1", "1366x768x24"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    started = [xvfb]
    try:
        assert select.select([xvfb.stdout], [], [], WAIT_S)[0], "Xvfb did not start"
        name = f":{xvfb.stdout.readline().decode().strip()}"
        for screen in ("0", "1"):
            env = {**os.environ, "DISPLAY": f"{name}.{screen}"}
            started.append(subprocess.Popen(["openbox"], env=env, stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL))
            wait_for(f"openbox on screen {screen}", lambda env=env: subprocess.run(
                ["xdotool", "get_desktop"], env=env, capture_output=True, timeout=5).returncode == 0)
        yield name
    finally:
        for process in reversed(started):
            process.terminate()
            process.wait(timeout=10)


class Counter:
    """The program running on ``display``, driven by xdotool."""

    def __init__(self, display: str, database: str, folder: Path) -> None:
        self.env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(ROOT),
                    "GRIDSTATION_DATA_DIR": str(folder / "data"), "XDG_CONFIG_HOME": str(folder / "config")}
        self.status_file = folder / "status.json"
        self.process = subprocess.Popen([sys.executable, str(DRIVER), database, str(self.status_file)], env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=(folder / "counter.log").open("w"))

    def xdotool(self, *args: str) -> str:
        return subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True, check=True,
                              timeout=WAIT_S).stdout.strip()

    def type(self, text: str) -> None:
        self.xdotool("type", "--delay", "30", text)

    def key(self, *keys: str) -> None:
        self.xdotool("key", "--delay", "30", *keys)

    def status(self) -> dict:
        try:
            return json.loads(self.status_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # not written yet
            return {}

    def wait(self, what: str, check: Callable[[dict], object]) -> dict:
        assert self.process.poll() is None, "the program ended"
        seen: list[dict] = [{}]

        def shown() -> dict | None:
            seen[0] = self.status()
            return seen[0] if seen[0] and check(seen[0]) else None

        try:
            return wait_for(what, shown)
        except AssertionError as exc:
            raise AssertionError(f"{exc}; the program showed {seen[0]}") from None

    def focused_window(self) -> int:
        return int(self.xdotool("getwindowfocus"))

    def sign_in(self, username: str, *, replace_name: bool = False) -> None:
        if replace_name:  # the lock screen offers the last user's name, with the cursor on the password
            self.key("shift+Tab", "ctrl+a")
        self.type(username)
        self.key("Return")
        self.type(PASSWORD)
        self.key("Return")

    def assert_keyboard_at_the_counter(self, typed: str) -> int:
        """One counter and one resident window; the X focus is on the counter and typing lands there."""
        shown = self.wait("one counter and one resident window",
                          lambda s: len(s["counters"]) == 1 and s["residents"] and s["focus_text"] == "")
        assert len(shown["residents"]) == 1, shown
        assert shown["screens"] == 2 and shown["resident_screens"] == [1], shown  # on the second screen
        counter = shown["counters"][0]
        wait_for("the X focus on the counter window", lambda: self.focused_window() == counter)
        self.type(typed)
        self.wait(f"“{typed}” in the counter's search box", lambda s: s["focus_text"] == typed)
        assert self.focused_window() == counter
        return counter


def test_the_resident_window_never_takes_the_keyboard_lives_once_and_ends_with_the_counter(
        display, db_path, clerk, tmp_path):
    counter = Counter(display, str(db_path), tmp_path)
    try:
        wait_for("the sign-in dialog", lambda: counter.status().get("active", "").endswith("登录"))
        counter.sign_in("admin")
        first = counter.assert_keyboard_at_the_counter("zhangsan")

        counter.key("ctrl+l")  # lock; another staff member takes over
        counter.wait("the lock screen", lambda s: s["active"].endswith("锁定"))
        counter.sign_in("clerk", replace_name=True)
        counter.wait("the new counter window", lambda s: s["counters"] and s["counters"] != [first])
        counter.assert_keyboard_at_the_counter("lisi")

        counter.key("alt+F4")  # the window manager closes the counter window: the program ends
        assert counter.process.wait(timeout=120) == 0
    finally:
        if counter.process.poll() is None:
            counter.process.kill()
            counter.process.wait(timeout=10)
    exits = list(backup.backup_dir_for(str(db_path)).glob("*-exit.db"))
    assert len(exits) == 1  # the exit backup ran
