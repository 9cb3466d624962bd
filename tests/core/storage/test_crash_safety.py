"""Nothing is lost: killed windows and windows saving at once keep every committed intake, once."""

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gridstation.core.intake import residents
from gridstation.core.storage import db as dbmod
from tests.helpers import make_id

WORKER = [sys.executable, "-m", "tests.workers.save_intakes"]
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def site(db_path, admin):
    resident = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))
    dbmod.close_database()
    return db_path, resident.id


def serial_numbers(db_path: Path) -> list[int]:
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return [int(s[-4:]) for (s,) in conn.execute("SELECT serial FROM intake ORDER BY serial")]
    finally:
        conn.close()


def assert_gap_free(numbers: list[int]) -> None:
    assert len(numbers) == len(set(numbers)), "duplicate serial"
    assert numbers == list(range(1, len(numbers) + 1)), "gap in serials"


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_committed(site):
    db_path, resident_id = site
    rng = random.Random(7)
    reported: set[str] = set()
    for _ in range(20):
        proc = subprocess.Popen([*WORKER, str(db_path), "100000", str(resident_id)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.6, 1.4))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
        assert proc.returncode == -signal.SIGKILL, err
        reported.update(line for line in out.split() if line)
        numbers = serial_numbers(db_path)
        assert_gap_free(numbers)
    conn = sqlite3.connect(db_path)
    stored = {s for (s,) in conn.execute("SELECT serial FROM intake")}
    conn.close()
    assert reported, "the worker never committed anything before being killed"
    assert reported <= stored


@pytest.mark.slow
def test_four_windows_saving_at_once(site):
    db_path, resident_id = site
    procs = [subprocess.Popen([*WORKER, str(db_path), "250", str(resident_id)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [p.communicate(timeout=600) for p in procs]
    for p, (_out, err) in zip(procs, outputs, strict=False):
        assert p.returncode == 0, err
        assert "locked" not in err
    reported = [line for out, _ in outputs for line in out.split()]
    assert len(reported) == 1000 and len(set(reported)) == 1000
    assert_gap_free(serial_numbers(db_path))
