"""Work in a child process: the same database, progress and the answer back, failures in Chinese, 取消 honoured."""

from __future__ import annotations

import os
import time

import openpyxl
import pytest

from gridstation.core.intake import residents
from gridstation.core.ledgers import ledger_export
from gridstation.core.rules.errors import DomainError
from gridstation.core.storage import logs
from gridstation.core.storage import models as m
from gridstation.core.storage.child_work import CHILD_NICENESS, ChildWorkFailed, Stopped, run_in_child
from tests.helpers import make_id

pytestmark = pytest.mark.both_backends


def where_it_ran(progress) -> tuple[int, int]:
    """Runs in the child: its process id and how many residents it sees in the database (it takes
    only the progress hook, as a report writer does)."""
    progress(1, 1)
    return os.getpid(), m.Resident.select().count()


def niceness(progress) -> int:
    return os.nice(0)


def breaks(progress, cancelled) -> None:
    raise KeyError("internal_column")


def dies(progress, cancelled) -> None:
    os._exit(3)


def reports_until_stopped(progress) -> None:
    """Only reports progress, as a report writer does: 取消 has to stop it through ``progress``."""
    while True:
        progress(0, 10)
        time.sleep(0.01)


def add_residents(admin: m.Staff, count: int) -> None:
    for n in range(count):
        residents.save_resident(admin, residents.ResidentInput(
            name=f"居民{n}", doc_number=make_id("530111", f"19700{n % 9 + 1}01", f"{n:03d}")))


def test_the_work_runs_in_another_process_on_the_same_database(site_db, admin):
    add_residents(admin, 3)
    reports: list[tuple[int, int]] = []
    pid, count = run_in_child(where_it_ran, progress=lambda done, total: reports.append((done, total)),
                              cancelled=lambda: False)
    assert pid != os.getpid() and count == 3
    assert reports == [(1, 1)]


def test_an_export_in_the_child_writes_its_file_and_its_audit_entry(site_db, admin, tmp_path):
    add_residents(admin, 5)
    out = tmp_path / "居民.xlsx"
    count = run_in_child(ledger_export.export_rows, "residents", None, out, actor=admin,
                         progress=lambda done, total: None, cancelled=lambda: False)
    assert count == 5
    assert len(list(openpyxl.load_workbook(out).worksheets[0].iter_rows(min_row=2))) == 5
    entry = m.AuditLog.select().order_by(m.AuditLog.id.desc()).get()
    assert (entry.action, entry.entity, entry.username) == ("导出", "residents", "admin")


def test_a_refusal_in_the_child_arrives_as_its_chinese_message(site_db, clerk, tmp_path):
    with pytest.raises(DomainError) as refused:
        run_in_child(ledger_export.export_rows, "residents", None, tmp_path / "r.xlsx", True, actor=clerk,
                     progress=lambda done, total: None, cancelled=lambda: False)
    assert "站长" in refused.value.message or "管理员" in refused.value.message
    assert not (tmp_path / "r.xlsx").exists()


def test_an_unexpected_error_or_a_dead_child_is_a_failure_not_a_hang(site_db):
    with pytest.raises(ChildWorkFailed, match="KeyError"):  # the traceback is in the child's log
        run_in_child(breaks, progress=lambda done, total: None, cancelled=lambda: False)
    logged = logs.log_file().read_text(encoding="utf-8")
    assert "in breaks" in logged and "builtins.KeyError" in logged and "KeyError: 'internal_column'" not in logged
    with pytest.raises(ChildWorkFailed, match="exit code 3"):
        run_in_child(dies, progress=lambda done, total: None, cancelled=lambda: False)


def test_cancel_stops_work_that_only_reports_progress(site_db):
    reports: list[tuple[int, int]] = []
    with pytest.raises(Stopped):
        run_in_child(reports_until_stopped, progress=lambda done, total: reports.append((done, total)),
                     cancelled=lambda: len(reports) >= 2)
    assert len(reports) >= 2  # it reported before it was stopped


def test_a_cancelled_export_in_the_child_leaves_no_file_and_no_entry(site_db, admin, tmp_path):
    add_residents(admin, 3)
    entries = m.AuditLog.select().count()
    out = tmp_path / "r.xlsx"
    with pytest.raises((Stopped, DomainError)):
        run_in_child(ledger_export.export_rows, "residents", None, out, actor=admin,
                     progress=lambda done, total: None, cancelled=lambda: True)
    assert not out.exists() and list(tmp_path.glob(".gridstation-*")) == []
    assert m.AuditLog.select().count() == entries


def test_work_named_by_module_and_function_is_imported_only_in_the_child(site_db, admin):
    add_residents(admin, 2)
    assert run_in_child("gridstation.selftest:residents_seen", progress=lambda done, total: None,
                        cancelled=lambda: False) == 2


@pytest.mark.skipif(not hasattr(os, "nice"), reason="niceness is a POSIX notion; Windows uses a priority class")
def test_the_child_runs_below_the_windows_priority(site_db):
    """So on a two-core PC the window gets the CPU whenever it needs it."""
    assert run_in_child(niceness, progress=lambda done, total: None, cancelled=lambda: False) == \
        min(os.nice(0) + CHILD_NICENESS, 19)
