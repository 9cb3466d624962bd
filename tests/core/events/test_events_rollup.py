"""Grid events in the district roll-up: each station's summary file carries its event totals, the
street office's report adds them up and recomputes both rates."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from gridstation.cli import main
from gridstation.core.events import handling, rules
from gridstation.core.events.register import EventInput, register_event
from gridstation.core.station import accounts, roles, station
from gridstation.core.statistics import district
from gridstation.core.storage import db as dbmod
from tests.conftest import PASSWORD


def station_file(tmp_path: Path, name: str, events: list[tuple[dt.datetime, dt.datetime | None]]) -> Path:
    """A station with events (found, closed or None) of category 民生诉求 (5 open days), exported for 2026-10."""
    db = tmp_path / f"{name}.db"
    station.open_site(str(db))
    station.init_station(name, "admin", PASSWORD)
    clerk = accounts.create_staff(None, "clerk", "王小红", roles.CLERK, PASSWORD)
    for found, closed in events:
        number = register_event(clerk, EventInput("民生诉求", rules.NORMAL, "问题", rules.PATROL, found_at=found)).number
        if closed:
            handling.close(clerk, number, "已解决", at=closed)
    dbmod.close_database()
    summary = tmp_path / f"{name}.json"
    assert main(["--db", str(db), "report", "monthly", "--month", "2026-10", "--out", str(tmp_path / f"{name}.pdf"),
                 "--export-summary", str(summary)]) == 0
    return summary


@pytest.fixture
def two(tmp_path) -> list[Path]:
    # A: found 10-05 (due 10-10) closed 10-08 on time; found 10-06 (due 10-12) still open, overdue.
    # B: found 10-05 (due 10-10) closed 10-20, late.
    return [station_file(tmp_path, "甲社区为民服务站", [(dt.datetime(2026, 10, 5, 9), dt.datetime(2026, 10, 8, 9)),
                                                   (dt.datetime(2026, 10, 6, 9), None)]),
            station_file(tmp_path, "乙社区为民服务站", [(dt.datetime(2026, 10, 5, 9), dt.datetime(2026, 10, 20, 9))])]


def test_the_summary_file_carries_the_event_totals(two):
    data = json.loads(two[0].read_text(encoding="utf-8"))
    assert data["events"] == {"found": 2, "in_grid": 0, "reported_up": 0, "closed": 1, "overdue": 1, "due": 2,
                              "due_closed": 1, "due_on_time": 1, "reopened": 0, "mediations": 0,
                              "mediation_success": 0}


def test_the_district_adds_the_stations_and_recomputes_the_rates(two, tmp_path, capsys):
    xlsx = tmp_path / "district.xlsx"
    assert main(["district", "--month", "2026-10", *map(str, two), "--out", str(tmp_path / "d.pdf"),
                 "--xlsx", str(xlsx)]) == 0
    rows = {r[0]: r[1:] for r in openpyxl.load_workbook(xlsx)["网格事件"].iter_rows(min_row=4, values_only=True)}
    header = [c.value for c in openpyxl.load_workbook(xlsx)["网格事件"][3]][1:]
    total = dict(zip(header, rows["合计"], strict=False))
    assert (total["发现问题（件）"], total["销号（件）"], total["期末逾期（件）"], total["本期到期（件）"]) == (3, 2, 1, 3)
    assert total["办结率"] == pytest.approx(2 / 3) and total["按时办结率"] == pytest.approx(1 / 3)
    assert dict(zip(header, rows["乙社区为民服务站"], strict=False))["按时办结率"] == 0


def test_an_older_file_without_events_counts_zero_and_a_bad_figure_is_refused(two, tmp_path):
    data = json.loads(two[0].read_text(encoding="utf-8"))
    del data["events"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert district.read_summary(old).stats.events.total.found == 0
    data["events"] = {"found": -1}
    old.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(district.DomainError, match="events.found 应为非负整数"):
        district.read_summary(old)
