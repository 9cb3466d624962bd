"""The grid-event figures against a hand-counted October 2026 (every day an open day, so a limit of
N working days is N calendar days), and the annual sentence."""

from __future__ import annotations

import datetime as dt

import pytest

from gridstation.core.events import figures, handling, mediation, rules
from gridstation.core.events.register import EventInput, PartyInput, register_event
from gridstation.core.rules.rates import percent
from gridstation.core.station import station
from gridstation.core.statistics import stats
from gridstation.core.statistics.year_paragraph import work_summary
from gridstation.core.storage import models as m
from tests.helpers import person_of

pytestmark = pytest.mark.both_backends

OCT_START, OCT_END, TODAY = dt.date(2026, 10, 1), dt.date(2026, 10, 31), dt.date(2026, 11, 30)


def at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour)


def event(actor, grid, category, found, *, level=rules.NORMAL, found_by=None) -> str:
    return register_event(actor, EventInput(category, level, "问题", rules.PATROL, grid_id=grid.id, found_at=found,
                                            finder_id=person_of(found_by).id if found_by else None)).number


def dispute(clerk, grid, found, session_day) -> str:
    number = event(clerk, grid, "矛盾纠纷", found)
    mediation.add_party(clerk, number, PartyInput(name="甲方", phone="13900000001"))
    mediation.add_party(clerk, number, PartyInput(name="乙方", phone="13900000002"))
    mediation.record_session(clerk, number, "调解室", "调解员", "双方陈述", at=session_day)
    return number


@pytest.fixture
def october(admin, head, clerk):
    """E1..E9 of the hand count (see each line); grid A is the clerk's, grid B the head's."""
    station.update_settings(admin, {"open_weekdays": [0, 1, 2, 3, 4, 5, 6]})
    a, b = m.Grid.create(name="A网格", worker=clerk), m.Grid.create(name="B网格", worker=head)
    person_of(clerk)  # the clerk finds what she registers
    e1 = event(clerk, a, "民生诉求", at(10, 5))  # due 10-05 + 5 = 10-10
    handling.handle_in_grid(clerk, e1, at=at(10, 5, 10))
    handling.close(clerk, e1, "已解决", at=at(10, 8))  # on time
    e2 = event(clerk, a, "民生诉求", at(10, 20))  # due 10-25
    handling.report_up(head, e2, "JD-2", dt.date(2026, 10, 21), at=at(10, 21))
    handling.close(clerk, e2, "街道已处理", at=at(10, 28))  # late
    event(clerk, b, "民生诉求", at(10, 29), level=rules.URGENT, found_by=head)  # E3: due 10-31, open
    event(clerk, a, "民生诉求", at(9, 20))  # E4: due 09-25, open: overdue
    e5 = event(clerk, a, "民生诉求", at(9, 28))  # due 10-03
    handling.handle_in_grid(clerk, e5, at=at(9, 28, 10))
    handling.close(clerk, e5, "已解决", at=at(10, 2))
    handling.reopen(head, e5, "居民说没解决", at=at(10, 15))
    handling.close(clerk, e5, "已解决", at=at(10, 16))  # finally closed after its due date
    e6 = dispute(clerk, b, at(10, 10), at(10, 12))  # due 11-10
    mediation.record_outcome(clerk, e6, rules.MEDIATION_SUCCESS, terms="赔偿500元", at=at(10, 14))
    handling.close(clerk, e6, "调解成功", at=at(10, 15))
    e7 = dispute(clerk, a, at(10, 25), at(10, 26))  # due 11-25, open
    mediation.record_outcome(clerk, e7, rules.MEDIATION_FAILED, referred_to="区人民法院", at=at(10, 27))
    e8 = event(clerk, a, "民生诉求", at(11, 2))  # after October
    handling.close(clerk, e8, "已解决", at=at(11, 3))
    e9 = event(clerk, a, "民生诉求", at(10, 30))  # due 11-04, closed after October
    handling.close(clerk, e9, "已解决", at=at(11, 2))


def fields(t: figures.EventTally) -> dict[str, int]:
    return {name: getattr(t, name) for name in figures.EventTally.__dataclass_fields__}


def tally(found=0, in_grid=0, reported_up=0, closed=0, overdue=0, due=0, due_closed=0, due_on_time=0,
          reopened=0, mediations=0, mediation_success=0) -> dict[str, int]:
    return dict(found=found, in_grid=in_grid, reported_up=reported_up, closed=closed, overdue=overdue, due=due,
                due_closed=due_closed, due_on_time=due_on_time, reopened=reopened, mediations=mediations,
                mediation_success=mediation_success)


def test_october_by_hand(october):
    got = figures.event_figures(OCT_START, OCT_END, TODAY)
    # found E1 E2 E3 E6 E7 E9; in grid E1 E6 E7; up E2; closed E1 E2 E5 E6; overdue E4;
    # due E1 E2 E3 E5, closed of them E1 E2 E5, on time E1; 返工 E5; disputes E6 E7, success E6.
    assert fields(got.total) == tally(6, 3, 1, 4, 1, 4, 3, 1, 1, 2, 1)
    assert got.total.completion_rate == pytest.approx(0.75)
    assert got.total.on_time_rate == pytest.approx(0.25)
    assert fields(got.by_grid["A网格"]) == tally(4, 2, 1, 3, 1, 3, 3, 1, 1, 1, 0)
    assert fields(got.by_grid["B网格"]) == tally(2, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1)
    assert fields(got.by_worker["王小红"]) == tally(5, 3, 1, 4, 1, 3, 3, 1, 1, 2, 1)
    assert fields(got.by_worker["李站长"]) == tally(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0)
    assert fields(got.by_category["民生诉求"]) == tally(4, 1, 1, 3, 1, 4, 3, 1, 1, 0, 0)
    assert fields(got.by_category["矛盾纠纷"]) == tally(2, 2, 0, 1, 0, 0, 0, 0, 0, 2, 1)


def test_period_stats_carries_the_same_figures_and_a_comparison_only_the_totals(october):
    period = stats.period_stats(OCT_START, OCT_END, TODAY)
    assert fields(period.events.total) == fields(figures.event_figures(OCT_START, OCT_END, TODAY).total)
    brief = stats.period_stats(OCT_START, OCT_END, TODAY, detail=False)
    assert fields(brief.events.total) == fields(period.events.total) and brief.events.by_grid == {}


def test_a_running_period_counts_up_to_today(october):
    """November up to the 5th: found E8; closed E8 E9; open at the end E3 E4 E7, overdue of them
    E3 (due 10-31) and E4; due E9 (11-04), closed on 11-02, on time."""
    got = figures.event_figures(dt.date(2026, 11, 1), dt.date(2026, 11, 30), dt.date(2026, 11, 5))
    assert fields(got.total) == tally(found=1, closed=2, overdue=2, due=1, due_closed=1, due_on_time=1)


def test_the_annual_sentence_in_the_seeds_words(october):
    """2026 up to 11-30: found E1..E9; in grid E1 E5 E6 E7; up E2; due all nine, closed of them
    E1 E2 E5 E6 E8 E9 (6 of 9 = 66.7%); disputes E6 E7, success E6."""
    annual = stats.annual_stats(2026, TODAY)
    text = work_summary(annual, 2026)
    assert "全年共发现问题9件，其中网格内处置4件、上报街道平台1件，办结率达66.7%；调处矛盾纠纷2件，成功1件。" in text


def test_no_events_no_sentence_and_rates_blank(site_db):
    empty = figures.event_figures(OCT_START, OCT_END, TODAY)
    assert empty.total.completion_rate is None and empty.total.on_time_rate is None
    assert figures.year_sentence(empty.total) == ""
    assert percent(1.0) == "100.0%" and percent(2 / 3) == "66.7%" and percent(None) == "—"


def test_monthly_pdf_and_excel_show_the_figures(october, tmp_path):
    import openpyxl

    from gridstation.reports.monthly import write_monthly
    from tests.conftest import pdf_text

    pdf = write_monthly(OCT_START, tmp_path / "月度统计.pdf", tmp_path / "月度统计.xlsx", today=TODAY)
    text = pdf_text(pdf)
    assert "网格事件" in text and "网格事件·按网格（本月）" in text and "网格事件·按类别（本月）" in text
    for label, value in (("发现问题（件）", "6"), ("上报街道平台（件）", "1"), ("办结率", "75.0%"), ("按时办结率", "25.0%")):
        line = next(line for line in text.splitlines() if line.strip().startswith(label))
        assert line.split()[1] == value, line
    sheet = openpyxl.load_workbook(tmp_path / "月度统计.xlsx")["网格事件"]
    rows = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert rows["发现问题（件）"][0] == 6 and rows["调解成功（件）"][0] == 1 and rows["返工（次）"][0] == 1
    by_grid = {row[0]: row[1] for row in openpyxl.load_workbook(tmp_path / "月度统计.xlsx")["网格事件·网格"]
               .iter_rows(values_only=True) if row and row[0]}
    assert (by_grid["A网格"], by_grid["B网格"], by_grid["合计"]) == (4, 2, 6)


def test_annual_pdf_has_the_sentence_and_the_year_table(october, tmp_path):
    from gridstation.reports.annual import write_annual
    from tests.conftest import pdf_text

    text = "".join(pdf_text(write_annual(2026, tmp_path / "年度统计.pdf", today=TODAY)).split())
    assert "全年共发现问题9件，其中网格内处置4件、上报街道平台1件，办结率达66.7%；调处矛盾纠纷2件，成功1件。" in text
    assert "网格事件·按网格员（全年）" in text
