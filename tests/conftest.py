"""Shared fixtures: offscreen Qt, a fresh database per test, one account per role.

Every test gets a new SQLite file. A test module marked ``pytestmark = pytest.mark.both_backends``
runs each of its tests twice, on SQLite and on PostgreSQL, when the test reaches the database only
through ``site_db`` (directly or through ``admin``, ``head``, ``clerk``); a test that asks for
``db_path`` treats the database as a file and stays on SQLite. The PostgreSQL run needs a server:
``GRIDSTATION_TEST_PG`` is its URL (CI starts one with ``.ci/start-postgres.sh``); without it
those runs are skipped, saying why. Each PostgreSQL test gets a new schema in that database,
dropped afterwards (much quicker than a database per test).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from PySide6.QtCore import QSettings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never the user's data folder, and not the source tree either: the command line opens its log
# there at start, and a server database's audit head is kept there.
os.environ.setdefault("GRIDSTATION_DATA_DIR", tempfile.mkdtemp(prefix="gridstation-test-data-"))

from gridstation.core.station import accounts, roles, station  # noqa: E402
from gridstation.core.storage import db as dbmod  # noqa: E402

STATION = "新亚洲体育城社区为民服务站"
PASSWORD = "secret123"


PG_URL = os.environ.get("GRIDSTATION_TEST_PG", "")
PG_SKIP_REASON = ("PostgreSQL tests need a server: set GRIDSTATION_TEST_PG=postgresql://user@host:port/db "
                  "(eval \"$(.ci/start-postgres.sh)\" starts a throw-away one)")
BACKENDS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.skipif(not PG_URL, reason=PG_SKIP_REASON))]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "both_backends: run the module's site_db tests on SQLite and PostgreSQL")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Both backends for a marked module's site_db tests, unless a test pins one itself with
    ``@pytest.mark.parametrize("backend", ["postgresql"])``."""
    wanted = metafunc.definition.get_closest_marker("both_backends") is not None
    pinned = any("backend" in str(mark.args[0]) for mark in metafunc.definition.iter_markers("parametrize"))
    if wanted and not pinned and "site_db" in metafunc.fixturenames and "db_path" not in metafunc.fixturenames:
        metafunc.parametrize("backend", BACKENDS)


@pytest.fixture(scope="session")
def qapp_args() -> list[str]:
    """Offscreen, the screen is the counter's usual one (1366×768) instead of Qt's 800×800 default;
    ``GRIDSTATION_TEST_SCREEN=1920x1080`` (with ``QT_SCALE_FACTOR=1.25``) tries the other common one."""
    if os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        return []
    size = os.environ.get("GRIDSTATION_TEST_SCREEN", "1366x768")
    screen = Path(__file__).parent / "fixtures" / f"screen-{size}.json"
    return ["gridstation-tests", "-platform", f"offscreen:configfile={screen}"]


@pytest.fixture(autouse=True)
def this_pc_settings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Per-PC settings (QSettings, ui/local_settings.py) in a new folder for each test: a test never
    reads or writes the real user's settings, and no test sees another's printer."""
    folder = tmp_path_factory.mktemp("qsettings")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture
def backend() -> str:
    """The database kind of ``site_db``: SQLite unless the module runs on both backends."""
    return "sqlite"


def pg_admin_connection():
    """A plain psycopg2 connection to the test server, in autocommit, for creating and dropping schemas."""
    import psycopg2

    conn = psycopg2.connect(PG_URL)
    conn.autocommit = True
    return conn


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL of a new, empty schema on the test server (search_path set in the URL); dropped afterwards."""
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    schema = f"t_{uuid.uuid4().hex[:16]}"
    conn = pg_admin_connection()
    try:
        with conn.cursor() as cur:
            cur.execute(f"CREATE SCHEMA {schema}")
        yield f"{PG_URL}{'&' if '?' in PG_URL else '?'}options={quote('-csearch_path=' + schema)}"
        with conn.cursor() as cur:
            cur.execute("SET lock_timeout = '20s'")
            cur.execute(f"DROP SCHEMA {schema} CASCADE")
    finally:
        conn.close()


@pytest.fixture
def site_db(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A new, initialised database (file path or URL) with an admin account; closed after the test."""
    target = str(tmp_path / "station.db") if backend == "sqlite" else request.getfixturevalue("pg_url")
    station.open_site(target)
    station.init_station(STATION, "admin", PASSWORD, address="昆明市官渡区广福路1号", phone="0871-67000000")
    yield target
    dbmod.close_database()


@pytest.fixture
def db_path(site_db: str) -> Path:
    """The SQLite file of ``site_db``, for tests that treat the database as a file."""
    return Path(site_db)


@pytest.fixture
def admin(site_db: str):
    from gridstation.core.storage import models as m

    return m.Staff.get(m.Staff.username == "admin")


@pytest.fixture
def head(admin):
    return accounts.create_staff(admin, "head", "李站长", roles.HEAD, PASSWORD)


@pytest.fixture
def clerk(admin):
    return accounts.create_staff(admin, "clerk", "王小红", roles.CLERK, PASSWORD)


def pdf_text(path: Path) -> str:
    """The text of a PDF as pdftotext reads it (poppler-utils), to check what a document says."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is required for document tests")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pages_and_size(path: Path) -> tuple[int, tuple[float, float]]:
    """A PDF's page count and its first page's size in points, as pdfinfo (poppler-utils) reads them."""
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    w, _, h = fields["Page size"].split()[:3]
    return int(fields["Pages"]), (float(w), float(h))
