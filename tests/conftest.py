"""Shared fixtures: offscreen Qt, a fresh SQLite database per test, one account per role."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("GRIDSTATION_DATA_DIR", str(Path(__file__).parent / ".data-never-used"))

from gridstation.core import accounts, station  # noqa: E402
from gridstation.core import db as dbmod  # noqa: E402

STATION = "新亚洲体育城社区为民服务站"
PASSWORD = "secret123"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A new, initialised database file with an admin account; closed again after the test."""
    path = tmp_path / "station.db"
    station.open_site(str(path))
    station.init_station(STATION, "admin", PASSWORD, address="昆明市官渡区广福路1号", phone="0871-67000000")
    yield path
    dbmod.close_database()


@pytest.fixture
def admin(db_path: Path):
    from gridstation.core import models as m

    return m.Staff.get(m.Staff.username == "admin")


@pytest.fixture
def head(admin):
    return accounts.create_staff(admin, "head", "李站长", accounts.HEAD, PASSWORD)


@pytest.fixture
def clerk(admin):
    return accounts.create_staff(admin, "clerk", "王小红", accounts.CLERK, PASSWORD)


def pdf_text(path: Path) -> str:
    """The text of a PDF as pdftotext reads it (poppler-utils), to check what a document says."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is required for document tests")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
