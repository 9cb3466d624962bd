"""Where things live: bundled resources (source tree or PyInstaller bundle) and the site data folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "GridStation"


def resource_root() -> Path:
    """The resources folder, wherever the program runs from.

    Inside a PyInstaller bundle the data files sit under ``sys._MEIPASS``; from a source checkout
    they sit beside the package.
    """
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parents[3]


def resource(*parts: str) -> Path:
    """A file under resources/ (fonts, icons, stylesheet)."""
    return resource_root() / "resources" / Path(*parts)


def form(name: str) -> Path:
    """A Qt Designer file under forms/."""
    return resource_root() / "forms" / name


def data_dir() -> Path:
    """The site data folder: per machine on Windows (ProgramData) so every user shares one database."""
    import platformdirs

    override = os.environ.get("GRIDSTATION_DATA_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        return Path(platformdirs.site_data_dir(APP_NAME, appauthor=False))
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def print_dir() -> Path:
    """Where the GUI keeps the documents it previews and prints: a folder of this user's own.

    Receipts carry names and ID numbers, so never a temporary folder every user of the PC can read:
    the data folder (the user's own on Linux), or on Windows, where that folder is every user's,
    the user's own cache folder.
    """
    import platformdirs

    if sys.platform == "win32" and not os.environ.get("GRIDSTATION_DATA_DIR"):
        return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "print"
    return data_dir() / "print"


def location_file() -> Path:
    """Where first-run setup records a database it put outside the data folder."""
    return data_dir() / "database-location.txt"


def default_database() -> str:
    """The database used when neither ``--db`` nor ``GRIDSTATION_DB`` names one.

    gridstation.db in the data folder, unless first-run setup put it elsewhere (a second disk that
    survives reinstalling the system) and recorded that in location_file().
    """
    override = os.environ.get("GRIDSTATION_DB")
    if override:
        return override
    recorded = location_file()
    if recorded.is_file():
        chosen = recorded.read_text(encoding="utf-8").strip()
        if chosen:
            return chosen
    return str(data_dir() / "gridstation.db")


def remember_database(target: str) -> None:
    """Make ``target`` this PC's database from now on (first-run setup chose its folder)."""
    recorded = location_file()
    if Path(target) == data_dir() / "gridstation.db":
        recorded.unlink(missing_ok=True)
        return
    recorded.parent.mkdir(parents=True, exist_ok=True)
    recorded.write_text(f"{target}\n", encoding="utf-8")
