"""The bundle, the .deb and the Windows installer build, and the program runs from them.

The bundle is built once for the module with installer/build.py (the command the README gives),
packed as a .deb, unpacked with dpkg-deb -x, and then run from the unpacked /opt/gridstation outside
the source tree: init, selftest, screenshot and an upgrade of a version-1 database all have to find
the bundled font, forms and icons on their own. Skipped, with the reason, where PyInstaller,
dpkg-deb or makensis is missing.

A bundle built here (Debian 12) needs this machine's glibc and must fail the release floor; the
release bundle itself (built in a Debian 11 root, minutes of work) is checked when
GRIDSTATION_RELEASE_DEB names one.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "installer" / "build.py"
GLIBC_CHECK = ROOT / "installer" / "glibc_check.py"
RELEASE_FLOOR = "2.31"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
PASSWORD = "secret123"
STATION = "新亚洲体育城社区为民服务站"


def build(*args: str | Path, expect: int = 0) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, str(BUILD), *map(str, args)], cwd=ROOT, check=False, capture_output=True,
                            text=True, timeout=1200)
    assert result.returncode == expect, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def glibc_check(folder: Path, floor: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(GLIBC_CHECK), str(folder), "--floor", floor],
                          check=False, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory) -> Path:
    """The .deb built from a fresh bundle, unpacked as dpkg would install it (files only)."""
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller 未安装 (pip install 'pyinstaller>=6,<7'): the bundle cannot be built here")
    if sys.platform != "linux" or shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb not available: the .deb is built on Debian, UOS or Kylin")
    work = tmp_path_factory.mktemp("installer")
    built = build("--bundle", "--deb", "--fast", "--out", work / "dist", "--work", work / "build")
    assert "自检通过" in built.stdout  # the build ran the bundle's selftest: every page and dialog opens
    debs = list((work / "dist").glob("gridstation_*.deb"))
    assert len(debs) == 1
    root = work / "root"
    subprocess.run(["dpkg-deb", "-x", str(debs[0]), str(root)], check=True)
    subprocess.run(["dpkg-deb", "-e", str(debs[0]), str(root / "DEBIAN")], check=True)
    return root


def bundle_run(unpacked: Path, data: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the unpacked program as an installed one: from a folder outside the source tree, with
    nothing of the source tree importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "GRIDSTATION_"))}
    env.update(QT_QPA_PLATFORM="offscreen", GRIDSTATION_DATA_DIR=str(data), GRIDSTATION_ADMIN_PASSWORD=PASSWORD)
    program = unpacked / "opt" / "gridstation" / "gridstation"
    data.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.run([str(program), *args], cwd=data.parent, check=False, env=env, capture_output=True, text=True,
                          timeout=300)


def test_deb_installs_the_bundle_under_opt_with_a_command_menu_entry_and_icons(unpacked):
    opt = unpacked / "opt" / "gridstation"
    assert os.access(opt / "gridstation", os.X_OK)
    internal = opt / "_internal"
    assert (internal / "resources" / "fonts" / "wqy-microhei.ttc").is_file()
    assert (internal / "resources" / "style.qss").is_file()
    assert {p.name for p in (ROOT / "forms").glob("*.ui")} <= {p.name for p in (internal / "forms").glob("*.ui")}
    assert not list(internal.rglob("*Qt6Quick*")) and not list(internal.rglob("*WebEngine*"))
    command = unpacked / "usr" / "bin" / "gridstation"
    assert command.is_symlink() and os.readlink(command) == "/opt/gridstation/gridstation"
    desktop = (unpacked / "usr" / "share" / "applications" / "gridstation.desktop").read_text(encoding="utf-8")
    for line in ("Name=网格服务站", "Exec=gridstation", "Icon=gridstation", "Categories=Office;", "Terminal=false"):
        assert line in desktop.splitlines()
    icons = unpacked / "usr" / "share" / "icons" / "hicolor"
    assert (icons / "scalable" / "apps" / "gridstation.svg").is_file()
    assert (icons / "256x256" / "apps" / "gridstation.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # Nothing outside the program, the command, the menu entry and the icons.
    allowed = ("opt/gridstation/", "usr/bin/gridstation", "usr/share/applications/gridstation.desktop",
               "usr/share/icons/hicolor/")
    files = [p.relative_to(unpacked).as_posix() for p in unpacked.rglob("*") if not p.is_dir()]
    assert [f for f in files if not f.startswith(("DEBIAN/", *allowed))] == []


def test_deb_removes_cleanly_and_keeps_the_data(unpacked):
    control = (unpacked / "DEBIAN" / "control").read_text(encoding="utf-8")
    assert "Package: gridstation\n" in control and f"Version: {VERSION}\n" in control
    # A build outside the release root promises only the glibc it was built with.
    assert f"Depends: libc6 (>= {os.confstr('CS_GNU_LIBC_VERSION').split()[-1]}), libgl1," in control
    # No maintainer scripts: dpkg removes exactly the package's files, never a data folder.
    assert sorted(p.name for p in (unpacked / "DEBIAN").iterdir()) == ["control"]


def test_bundle_built_on_a_newer_system_fails_the_release_floor(unpacked):
    """What the stations got before the release build: a package that Debian 11 cannot start."""
    if os.confstr("CS_GNU_LIBC_VERSION").split()[-1] <= RELEASE_FLOOR:
        pytest.skip("this machine's glibc is not newer than the release floor")
    bundle = unpacked / "opt" / "gridstation"
    check = glibc_check(bundle, RELEASE_FLOOR)
    assert check.returncode == 1 and "need more than glibc 2.31" in check.stderr
    assert "_internal/" in check.stdout  # the most demanding files are named
    dist = unpacked.parent / "dist"
    refused = build("--deb", "--glibc-floor", RELEASE_FLOOR, "--fast", "--out", dist, "--work", unpacked.parent / "build",
                    expect=1)
    assert "需要比 glibc 2.31 更新的 C 库" in refused.stderr and "--release" in refused.stderr


def test_release_deb_needs_no_newer_glibc_than_debian_11(tmp_path):
    """The package built by `installer/build.py --release` (too slow to build in the suite)."""
    deb = os.environ.get("GRIDSTATION_RELEASE_DEB")
    if not deb:
        pytest.skip("set GRIDSTATION_RELEASE_DEB to a .deb built with installer/build.py --release")
    subprocess.run(["dpkg-deb", "-x", deb, str(tmp_path)], check=True)
    control = subprocess.run(["dpkg-deb", "-f", deb, "Depends"], capture_output=True, text=True, check=True).stdout
    assert control.startswith(f"libc6 (>= {RELEASE_FLOOR}),")
    check = glibc_check(tmp_path / "opt" / "gridstation", RELEASE_FLOOR)
    assert check.returncode == 0, check.stdout + check.stderr


def test_bundle_creates_checks_and_draws_a_station_outside_the_source_tree(unpacked, tmp_path):
    data = tmp_path / "site" / "data"
    version = bundle_run(unpacked, data, "--version")
    assert version.stdout.strip() == f"gridstation {VERSION}"
    created = bundle_run(unpacked, data, "init", "--station", STATION, "--admin", "admin")
    assert created.returncode == 0, created.stderr
    assert (data / "gridstation.db").is_file()
    selftest = bundle_run(unpacked, data, "selftest")
    assert selftest.returncode == 0, selftest.stdout + selftest.stderr
    assert "自检通过" in selftest.stdout
    assert "后台进程：通过" in selftest.stdout  # the bundle can start the child process long work runs in
    assert "页面“统计”：通过" in selftest.stdout  # every page opens (QtCharts was left out of the bundle)
    for page in ("intake", "stats"):
        shot = tmp_path / f"{page}.png"
        screenshot = bundle_run(unpacked, data, "screenshot", "--page", page, "--out", str(shot))
        assert screenshot.returncode == 0, screenshot.stderr
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_bundle_started_through_a_symlink_finds_its_files(unpacked, tmp_path):
    """/usr/bin/gridstation is a link to /opt: the program must locate _internal from the real path."""
    link = tmp_path / "bin" / "gridstation"
    link.parent.mkdir()
    link.symlink_to(unpacked / "opt" / "gridstation" / "gridstation")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", GRIDSTATION_DATA_DIR=str(tmp_path / "data"))
    result = subprocess.run([str(link), "--version"], env=env, check=False, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == f"gridstation {VERSION}"


def test_new_version_installed_over_an_old_one_upgrades_its_database_and_keeps_the_data(unpacked, tmp_path):
    """A station that ran version 1 installs this package: its data survives, a backup is taken first."""
    data = tmp_path / "data"
    data.mkdir()
    database = data / "gridstation.db"
    conn = sqlite3.connect(database)
    conn.executescript((ROOT / "tests" / "fixtures" / "schema_v1.sql").read_text(encoding="utf-8"))
    residents = conn.execute("SELECT COUNT(*) FROM resident").fetchone()[0]
    conn.close()
    check = bundle_run(unpacked, data, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    selftest = bundle_run(unpacked, data, "selftest")
    assert selftest.returncode == 0, selftest.stdout + selftest.stderr
    assert list((data / "backups").glob("gridstation-*-before-upgrade.db"))
    conn = sqlite3.connect(database)
    assert conn.execute("SELECT COUNT(*) FROM resident").fetchone()[0] == residents
    assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] > 1
    conn.close()


def test_windows_installer_script_compiles_with_makensis(tmp_path):
    """The Windows bundle is built on Windows; here the script compiles against a stand-in folder."""
    if shutil.which("makensis") is None:
        pytest.skip("makensis not installed (apt-get install nsis)")
    stand_in = tmp_path / "windows-bundle"
    (stand_in / "_internal" / "resources").mkdir(parents=True)
    for name in ("gridstation.exe", "gridstation-cli.exe"):
        (stand_in / name).write_bytes(b"MZ stand-in")
    (stand_in / "_internal" / "resources" / "style.qss").write_text("/* stand-in */", encoding="utf-8")
    build("--nsis", "--windows-bundle", stand_in, "--out", tmp_path / "dist", "--work", tmp_path / "build")
    setup = tmp_path / "dist" / f"gridstation-{VERSION}-setup.exe"
    assert setup.read_bytes()[:2] == b"MZ"
    script = (tmp_path / "build" / "nsis" / "gridstation.nsi").read_text(encoding="utf-8")
    assert "@" not in "".join(line for line in script.splitlines() if not line.lstrip().startswith(";"))
    uninstall = script[script.index('Section "Uninstall"'):]
    assert "DATA_DIR" not in uninstall and "$APPDATA" not in uninstall  # the data folder is kept
    assert "RequestExecutionLevel admin" in script and "SetShellVarContext all" in script
