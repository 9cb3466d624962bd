"""The benchmark script still runs end to end (at a tiny scale), so it cannot rot between the
occasions someone reads its figures. The figures themselves are not checked: they are not pass/fail."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).parent / "benchmarks" / "run.py"
EXPECTED = {"demo_generate_s", "resident_search_p95_ms", "intake_save_ms", "startup_first_paint_ms", "export_intakes_s",
            "export_intakes_vs_xlsxwriter_s", "import_residents_200_s", "openpyxl_read_only_200_s",
            "import_intakes_500_s"}


def test_run_py_builds_a_cached_database_and_reports_every_figure(tmp_path):
    out, cache = tmp_path / "figures.json", tmp_path / "cache"
    args = [sys.executable, str(RUN), "--scale", "200", "--repeat", "1", "--cache", str(cache), "--json", str(out)]
    result = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    records = json.loads(out.read_text())
    assert EXPECTED <= {r["name"] for r in records}
    for record in records:
        assert set(record) == {"name", "value", "unit", "baseline_name", "baseline_value", "ratio"}
        assert record["value"] > 0
        if record["baseline_name"] is None:
            assert record["baseline_value"] is None and record["ratio"] is None
        else:
            assert record["ratio"] == pytest.approx(record["value"] / record["baseline_value"], rel=0.05)
    assert "startup_first_paint_ms" in result.stdout  # the printed table

    databases = list(cache.glob("*.db"))
    assert len(databases) == 1 and json.loads(databases[0].with_suffix(".json").read_text())["demo_generate_s"] > 0
    with sqlite3.connect(databases[0]) as conn:  # writes went to copies: the cache is as generated
        assert conn.execute("SELECT COUNT(*) FROM intake").fetchone()[0] == 500
    again = subprocess.run([*args, "--only", "demo"], capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and "building" not in again.stderr  # the cache is reused
