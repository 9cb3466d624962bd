"""The demo station carries 好差评 and document checks that obey the app's rules, and the reports show them."""

from __future__ import annotations

import datetime as dt
import json
import re

from gridstation.core.evaluation.rules import BAD, CHANNELS, LEVELS
from gridstation.core.intake import intakes
from gridstation.core.intake.material_rules import DEFERRED, NOTICE
from gridstation.core.station.opening_days import station_calendar
from gridstation.core.statistics import stats
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.reports.monthly import write_monthly
from tests.conftest import pdf_text
from tests.demo.test_demo import AS_OF, demo_db, demo_file  # noqa: F401 - the module's demo station


def test_most_completed_intakes_are_rated_within_the_rules(demo_db):
    completed = m.Intake.select().where(m.Intake.status == intakes.COMPLETED).count()
    rated = list(m.Rating.select(m.Rating, m.Intake).join(m.Intake))
    assert 0.6 * completed < len(rated) <= completed
    window = int(settings.get("rating_window_days"))
    for r in rated:
        intake = r.intake
        assert r.level in LEVELS and r.channel in CHANNELS and r.at <= AS_OF
        assert intake.received_at <= r.at and r.at.date() <= station_calendar().add_working_days(intake.completed_at.date(), window)
        assert (r.service_id, r.staff_id) == (intake.service_id, intake.staff_id)
        assert bool(json.loads(r.reasons)) == (r.level in BAD)
    bad = [r for r in rated if r.level in BAD]
    fixes = {f.rating_id: f for f in m.Rectification.select()}
    assert bad and {r.id for r in bad} == set(fixes)
    closed = [f for f in fixes.values() if f.closed_at]
    assert closed and all(f.visited_at and f.visited_at <= f.closed_at and f.resident_view for f in closed)
    assert any(f.closed_at.date() > f.due_date for f in closed)  # some late
    assert any(f.closed_at.date() <= f.due_date for f in closed)


def test_notices_and_deferred_intakes_are_there_and_consistent(demo_db):
    checks = list(m.IntakeMaterials.select(m.IntakeMaterials, m.Intake).join(m.Intake))
    notices = [c for c in checks if c.mode == NOTICE]
    deferred = [c for c in checks if c.mode == DEFERRED]
    assert notices and deferred
    assert any(c.intake.status == intakes.PENDING_DOCS and c.supplied_at is None for c in notices)
    for c in checks:
        assert json.loads(c.missing)  # what was missing at the notice stays, also after it came (the reprint)
        if c.mode == DEFERRED:
            assert c.deadline <= c.intake.due_date
            if c.intake.status == intakes.COMPLETED:
                assert c.supplied_at is not None and c.supplied_at <= c.intake.completed_at
    assert not m.Rating.select().join(m.Intake).where(m.Intake.status == intakes.PENDING_DOCS).exists()


def test_the_months_figures_and_report_show_them(demo_db, tmp_path):
    month = AS_OF.date().replace(day=1) - dt.timedelta(days=1)
    month = month.replace(day=1)  # the last whole month
    figures = stats.period_stats(month, stats.month_end(month), AS_OF.date())
    assert figures.ratings.total.received > 0 and figures.ratings.total.satisfaction_rate > 0.5
    text = re.sub(r"\s+", "", pdf_text(write_monthly(month, tmp_path / "m.pdf", today=AS_OF.date())))
    assert "好差评·按受理人员" in text and "一次性告知与容缺受理" in text
