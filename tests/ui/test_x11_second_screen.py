"""The resident screen on a real X server with a window manager and a second screen (issue: the
resident window took the keyboard after every sign-in and take-over, stayed after the counter closed
with the process still running and no exit backup, and a take-over left two of them).

Two ways a PC has a second screen, the same checks on each:

* one X screen with two RandR monitors side by side, as an office PC with a second monitor has it
  (Xorg with its ``dummy`` video driver: 1366×768 and, to its right, 1024×768); here the resident
  window must also cover the second monitor exactly, full screen, with the counter on the first;
* two separate X screens (Xvfb ``:N.0`` and ``:N.1``, each 1366×768): Qt makes one QScreen of each.

openbox manages the display, and the real program runs on it (``x11_counter.py`` runs
``app.run_gui`` and writes what it shows to a status file). The keys are typed with xdotool as a
clerk types them; the focused window and where each window sits are the X server's own answer
(``xdotool getwindowfocus``, ``getwindowgeometry``). A layout is skipped where its server is not
installed (.ci/run installs them all). Every wait is bounded.
"""

from __future__ import annotations

import ctypes.util
import glob
import json
import os
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from gridstation.core.station import backup
from tests.conftest import PASSWORD
from tests.helpers import ROOT

pytestmark = [
    pytest.mark.skipif(any(shutil.which(t) is None for t in ("openbox", "xdotool")),
                       reason="needs openbox and xdotool (apt-get install openbox xdotool)"),
    pytest.mark.skipif(ctypes.util.find_library("xcb-cursor") is None,
                       reason="Qt's xcb platform needs libxcb-cursor0 (.ci/run installs it)"),
]
DRIVER = Path(__file__).with_name("x11_counter.py")
WAIT_S = 30
# The server itself, not Debian's /usr/bin/Xorg wrapper: the wrapper, where it is setuid, refuses an
# ordinary user a configuration file outside /etc/X11.
XORG = "/usr/lib/xorg/Xorg" if os.access("/usr/lib/xorg/Xorg", os.X_OK) else shutil.which("Xorg")
HAS_DUMMY_DRIVER = bool(glob.glob("/usr/lib*/xorg/modules/drivers/dummy_drv.so"))
# Two monitors on one X screen: the dummy video card (in a config dir of the test's own, read instead
# of the PC's /etc/X11/xorg.conf.d) and a virtual screen wide enough to hold both side by side.
XORG_CARD = """\
Section "Device"
  Identifier "dummy"
  Driver "dummy"
  VideoRam 64000
EndSection
Section "Monitor"
  Identifier "monitor"
  HorizSync 5.0-1000.0
  VertRefresh 5.0-200.0
EndSection
"""
XORG_SCREEN = """\
Section "Screen"
  Identifier "screen"
  Device "dummy"
  Monitor "monitor"
  DefaultDepth 24
  SubSection "Display"
    Depth 24
    Virtual 2390 768
  EndSubSection
EndSection
"""
RANDR = (
    ("--newmode", "1366x768", "72.00", "1366", "1414", "1446", "1526", "768", "771", "777", "784"),
    ("--addmode", "DUMMY0", "1366x768"),
    ("--addmode", "DUMMY1", "1024x768"),
    ("--output", "DUMMY0", "--primary", "--mode", "1366x768", "--pos", "0x0",
     "--output", "DUMMY1", "--mode", "1024x768", "--pos", "1366x0"),
)


@dataclass(frozen=True)
class Place:
    """A rectangle on one X screen, as ``xdotool getwindowgeometry --shell`` reports a window's."""

    screen: int
    x: int
    y: int
    width: int
    height: int

    def holds_centre_of(self, other: Place) -> bool:
        centre_x, centre_y = other.x + other.width // 2, other.y + other.height // 2
        return (other.screen == self.screen and self.x <= centre_x < self.x + self.width
                and self.y <= centre_y < self.y + self.height)


@dataclass(frozen=True)
class Display:
    """A running X display (``DISPLAY``) and where its first and second screen are."""

    name: str
    first: Place
    second: Place


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


def start_server(argv: list[str], started: list[subprocess.Popen]) -> str:
    """Start an X server that writes its display number to fd 1 when it is ready (``-displayfd 1``)."""
    server = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    started.append(server)
    assert select.select([server.stdout], [], [], WAIT_S)[0], f"{argv[0]} did not start"
    number = server.stdout.readline().decode().strip()
    assert number, f"{argv[0]} ended without a display"
    return f":{number}"


def start_openbox(display: str, started: list[subprocess.Popen]) -> None:
    env = {**os.environ, "DISPLAY": display}
    started.append(subprocess.Popen(["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    wait_for(f"openbox on {display}", lambda: subprocess.run(
        ["xdotool", "get_desktop"], env=env, capture_output=True, timeout=5).returncode == 0)


def two_monitors(folder: Path, started: list[subprocess.Popen]) -> Display:
    """Xorg's dummy driver with one X screen, set by xrandr to two monitors side by side.

    ``-seat`` names a seat of its own: the server then opens no virtual terminal and udev offers it
    none of the PC's keyboards or mice (root or not; an ordinary user needs no wrapper either).
    """
    card_dir = folder / "xorg.conf.d"
    card_dir.mkdir(parents=True)
    (card_dir / "dummy.conf").write_text(XORG_CARD, encoding="utf-8")
    (folder / "xorg.conf").write_text(XORG_SCREEN, encoding="utf-8")
    name = start_server([XORG, "-displayfd", "1", "-nolisten", "tcp", "-noreset", "-seat", "seat-gridstation-test",
                         "-config", str(folder / "xorg.conf"), "-configdir", str(card_dir),
                         "-logfile", str(folder / "xorg.log")], started)
    for args in RANDR:
        subprocess.run(["xrandr", *args], env={**os.environ, "DISPLAY": name}, check=True, timeout=WAIT_S)
    start_openbox(name, started)
    return Display(name, first=Place(0, 0, 0, 1366, 768), second=Place(0, 1366, 0, 1024, 768))


def two_x_screens(folder: Path, started: list[subprocess.Popen]) -> Display:
    """Xvfb with two X screens, openbox managing each."""
    name = start_server(["Xvfb", "-displayfd", "1", "-nolisten", "tcp", "-screen", "0", "1366x768x24",
                         "-screen", "1", "1366x768x24"], started)
    for screen in ("0", "1"):
        start_openbox(f"{name}.{screen}", started)
    return Display(name, first=Place(0, 0, 0, 1366, 768), second=Place(1, 0, 0, 1366, 768))


@pytest.fixture(params=[
    pytest.param(two_monitors, id="one-x-screen-two-monitors", marks=pytest.mark.skipif(
        XORG is None or not HAS_DUMMY_DRIVER or shutil.which("xrandr") is None,
        reason="needs Xorg with its dummy video driver, and xrandr "
               "(apt-get install xserver-xorg-video-dummy x11-xserver-utils)")),
    pytest.param(two_x_screens, id="two-x-screens", marks=pytest.mark.skipif(
        shutil.which("Xvfb") is None, reason="needs Xvfb (apt-get install xvfb)")),
])
def display(request, tmp_path) -> Iterator[Display]:
    """A fresh X server with a second screen and openbox; everything stopped afterwards."""
    started: list[subprocess.Popen] = []
    try:
        yield request.param(tmp_path / "x", started)
    finally:
        for process in reversed(started):
            process.terminate()
            process.wait(timeout=10)


class Counter:
    """The program running on ``display``, driven by xdotool."""

    def __init__(self, display: Display, database: str, folder: Path) -> None:
        self.display = display
        self.env = {**os.environ, "DISPLAY": display.name, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(ROOT),
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

    def place(self, window: int) -> Place:
        """Where the X server has ``window``: its screen, position on that screen and size."""
        shell = dict(line.split("=", 1) for line in self.xdotool("getwindowgeometry", "--shell", str(window)).split())
        return Place(*(int(shell[key]) for key in ("SCREEN", "X", "Y", "WIDTH", "HEIGHT")))

    def sign_in(self, username: str, *, replace_name: bool = False) -> None:
        if replace_name:  # the lock screen offers the last user's name, with the cursor on the password
            self.key("shift+Tab", "ctrl+a")
        self.type(username)
        self.key("Return")
        self.type(PASSWORD)
        self.key("Return")

    def assert_placed(self, shown: dict) -> None:
        """The resident window full screen on the second screen, covering exactly it; the counter on the first."""
        assert shown["screens"] == 2 and shown["resident_screens"] == [1], shown
        assert shown["resident_full_screen"] == [True], shown
        resident, counter = shown["residents"][0], shown["counters"][0]
        try:
            wait_for("the resident window to cover the second screen", lambda: self.place(resident) == self.display.second)
        except AssertionError as exc:
            raise AssertionError(f"{exc} {self.display.second}; it is at {self.place(resident)}") from None
        counter_place = self.place(counter)
        assert self.display.first.holds_centre_of(counter_place), f"the counter window is at {counter_place}"

    def assert_keyboard_at_the_counter(self, typed: str) -> int:
        """One counter and one resident window, each on its screen; the X focus is on the counter and
        typing lands there."""
        shown = self.wait("one counter and one resident window",
                          lambda s: len(s["counters"]) == 1 and s["residents"] and s["focus_text"] == "")
        assert len(shown["residents"]) == 1, shown
        self.assert_placed(shown)
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
