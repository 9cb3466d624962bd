"""The GUI benchmark's scripted day still runs end to end (on a tiny demo database), so the
``gui_max_stall_ms`` figure cannot rot between the occasions someone reads it. The figure itself
is not checked: it is not pass/fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.demo import demo

BENCH = Path(__file__).parent / "benchmarks" / "bench_gui.py"
STEPS = {"search", "intake_receipt", "lend", "return", "export_year", "monthly_report", "roster"}


def test_the_scripted_day_runs_and_reports_both_stall_figures(site_db, tmp_path):
    demo.generate(residents=200, intakes=500, loans=100, seed=1)
    before = m.Intake.select().count()
    dbmod.close_database()
    out = tmp_path / "out"
    out.mkdir()
    root = Path(__file__).parents[1]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", GRIDSTATION_DATA_DIR=str(tmp_path / "data"),
               PYTHONPATH=os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH", "")) if p))
    result = subprocess.run([sys.executable, str(BENCH), site_db, str(out)], capture_output=True, text=True,
                            timeout=300, check=False, cwd=root, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["idle"] > 0 and figures["busy"] > 0
    assert set(figures["steps"]) == STEPS
    assert all(step["longest_gap_ms"] > 0 for step in figures["steps"].values())
    assert (out / "intakes.xlsx").exists() and list((tmp_path / "data" / "reports").glob("*.pdf"))
    dbmod.open_database(site_db)
    assert m.Intake.select().count() == before + 1  # the day's intake was saved
