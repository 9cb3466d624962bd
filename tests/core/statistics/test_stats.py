"""The statistics figures against a small, hand-counted set of intakes and loans.

The set spans a month boundary (received 31 January 23:30, completed 1 February 00:30) and a
year boundary (received 30 December 2024, completed 3 February 2025), has intakes completed,
returned, forwarded, open and overdue, and loans returned whole, damaged, with missing parts,
lost and never returned. The month under test is February 2025; the expected figures below
were counted by hand from the table in ``build_known_data``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from gridstation.core.grids import register
from gridstation.core.grids.register import GridInput
from gridstation.core.intake import residents
from gridstation.core.intake.intakes import COMPLETED, FORWARDED, RETURNED, IntakeInput, change_status, create_intake
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import accounts, catalog, roles
from gridstation.core.statistics import stats
from gridstation.core.storage import models as m
from tests.helpers import make_id

pytestmark = pytest.mark.both_backends

FEB = dt.date(2025, 2, 1)
D = dt.datetime


def _intake(actor, resident, service, action, at, details=None):
    return create_intake(actor, IntakeInput(resident.id, service, action, details or {}, received_at=at)).serial


def build_known_data(admin: m.Staff) -> dict[str, m.Staff]:
    """The set of intakes and loans the expected figures were counted from.

    Staff: 管理员 (admin), 李站长 (head), 王小红 (clerk). Grids: 第一网格 (r1, r4), 第二网格 (r2);
    r3 has no grid. r1, r2, r3 are pensioners.
    """
    head = accounts.create_staff(admin, "head", "李站长", roles.HEAD, "secret123")
    clerk = accounts.create_staff(admin, "clerk", "王小红", roles.CLERK, "secret123")
    catalog.save_service(admin, code="dispute", name="矛盾纠纷调处", promised_days=10, actions=["调处"], fields=[])
    catalog.save_service(admin, code="wish", name="微心愿", promised_days=10, actions=[], fields=[], active=False)

    for grid in ("第一网格", "第二网格"):  # the resident's grid box chooses, it no longer creates
        register.add_grid(admin, GridInput(name=grid))

    def person(name, birth, seq, grid, pensioner):
        return residents.save_resident(admin, residents.ResidentInput(
            name=name, doc_number=make_id(birth=birth, seq=seq), grid=grid, is_pensioner=pensioner))

    r1 = person("张三", "19500101", "111", "第一网格", True)
    r2 = person("李四", "19520202", "131", "第二网格", True)
    r3 = person("王五", "19540303", "151", "", True)
    r4 = person("赵六", "19800515", "482", "第一网格", False)

    unemp = {"docs_checked": True}
    wage = catalog.WAGE

    def claim(workers, owed):
        return {"employer": "某建筑公司", "workers": workers, "amount_owed": owed}

    # 1: received 2024-12-30, completed 2025-02-03 (35 days) by the head.
    s1 = _intake(clerk, r1, catalog.UNEMPLOYMENT, "新办", D(2024, 12, 30, 10), unemp)
    change_status(head, s1, COMPLETED, result="已发证", at=D(2025, 2, 3, 10))
    # 2: received and completed in February (2.5 days).
    s2 = _intake(clerk, r2, catalog.UNEMPLOYMENT, "新办", D(2025, 2, 3, 9), unemp)
    change_status(clerk, s2, COMPLETED, result="已发证", at=D(2025, 2, 5, 21))
    # 3: received 10 Feb (due 15 Feb), completed 2 March: open and overdue at the end of February.
    s3 = _intake(clerk, r4, catalog.UNEMPLOYMENT, "年检", D(2025, 2, 10, 9), unemp)
    change_status(clerk, s3, COMPLETED, result="年检通过", at=D(2025, 3, 2, 10))
    # 4: received 27 Feb (due 4 March), still open.
    _intake(admin, r1, catalog.UNEMPLOYMENT, "年检", D(2025, 2, 27, 9), unemp)
    # 5: wage claim received in January, completed 10 Feb with ¥8,000 recovered (21 days).
    s5 = _intake(clerk, r2, wage, "", D(2025, 1, 20, 9), claim(3, "12000.50"))
    change_status(head, s5, COMPLETED, result="协商解决", at=D(2025, 2, 10, 9),
                  completion={"amount_recovered": "8000", "outcome": "协商解决"})
    # 6: wage claim received and forwarded in February.
    s6 = _intake(clerk, r4, wage, "", D(2025, 2, 12, 9), claim(5, "30000"))
    change_status(clerk, s6, FORWARDED, forwarded_to="劳动监察大队", at=D(2025, 2, 20, 9))
    # 7: wage claim received and returned the same day.
    s7 = _intake(head, r3, wage, "", D(2025, 2, 14, 9), claim(2, "5000"))
    change_status(head, s7, RETURNED, note="材料不全", at=D(2025, 2, 14, 15))
    # 8, 9, 10, 11: pension verifications (Feb 2025 r1, Jan 2025 r2, Dec 2024 r3 for 2024, Feb 2024 r1).
    for actor, who, year, at in ((clerk, r1, 2025, D(2025, 2, 18, 9)), (clerk, r2, 2025, D(2025, 1, 8, 9)),
                                 (clerk, r3, 2024, D(2024, 12, 5, 9)), (clerk, r1, 2024, D(2024, 2, 20, 9))):
        serial = _intake(actor, who, catalog.PENSION, "生存认证", at, {"cert_year": year, "way": "窗口"})
        change_status(actor, serial, COMPLETED, result="认证通过", at=at + dt.timedelta(minutes=30))
    # 12: 4050 received and completed in February 2024; 13: received 25 Feb 2025, open.
    s12 = _intake(clerk, r4, catalog.SUBSIDY_4050, "申请", D(2024, 2, 5, 9),
                  {"period": "3年", "insurance_kinds": "养老保险"})
    change_status(clerk, s12, COMPLETED, result="已申报", at=D(2024, 2, 15, 9))
    _intake(clerk, r4, catalog.SUBSIDY_4050, "申请", D(2025, 2, 25, 9), {"period": "3年", "insurance_kinds": "养老保险"})
    # 14: received 31 Jan 23:30, completed 1 Feb 00:30 (one hour).
    s14 = _intake(clerk, r2, catalog.UNEMPLOYMENT, "注销", D(2025, 1, 31, 23, 30), unemp)
    change_status(clerk, s14, COMPLETED, result="已注销", at=D(2025, 2, 1, 0, 30))
    # 15: the last minute of February; 16: the first of March (outside the month).
    _intake(clerk, r3, catalog.UNEMPLOYMENT, "新办", D(2025, 2, 28, 23, 59), unemp)
    _intake(clerk, r3, catalog.UNEMPLOYMENT, "新办", D(2025, 3, 1, 0, 0), unemp)
    # 17: a station-added service, 10 days.
    s17 = _intake(head, r1, "dispute", "调处", D(2025, 2, 6, 9))
    change_status(head, s17, COMPLETED, result="调解成功", at=D(2025, 2, 16, 9))
    # 18: wage claim received 5 Jan (due 20 Jan), never closed: open and overdue since.
    _intake(clerk, r1, wage, "", D(2025, 1, 5, 9), claim(1, "1000"))

    ladder = m.ToolKind.create(name="梯子")
    drill = m.ToolKind.create(name="电钻")
    lock = m.ToolKind.create(name="开锁工具")
    drain = m.ToolKind.create(name="通下水道工具")
    a1 = m.ToolUnit.create(asset_code="GJ0001", kind=ladder, state="在库")
    a2 = m.ToolUnit.create(asset_code="GJ0002", kind=ladder, state="在库")
    b1 = m.ToolUnit.create(asset_code="GJ0003", kind=drill, state="维修")
    c1 = m.ToolUnit.create(asset_code="GJ0004", kind=lock, state="借出")
    d1 = m.ToolUnit.create(asset_code="GJ0005", kind=drain, state="遗失")

    def loan(no, who, staff, lent, due, items):
        slip = m.Loan.create(slip_no=no, resident=who, staff=staff, lent_at=lent, due_date=due)
        for unit, back, condition in items:
            m.LoanItem.create(loan=slip, unit=unit, returned_at=back, return_condition=condition)

    loan("JY1", r1, clerk, D(2025, 1, 30, 10), dt.date(2025, 2, 6),
         [(a1, D(2025, 2, 2, 10), "完好"), (b1, D(2025, 2, 10, 10), "损坏")])
    loan("JY2", r2, head, D(2025, 2, 5, 9), dt.date(2025, 2, 12), [(a1, D(2025, 2, 8, 9), "完好"), (c1, None, "")])
    loan("JY3", r4, clerk, D(2025, 2, 20, 12), dt.date(2025, 3, 5), [(a2, D(2025, 3, 3, 10), "缺件")])
    loan("JY4", r3, clerk, D(2024, 12, 28, 10), dt.date(2025, 1, 4), [(d1, D(2025, 2, 15, 10), "遗失")])
    loan("JY5", r1, clerk, D(2024, 2, 10, 10), dt.date(2024, 2, 17), [(b1, D(2024, 2, 12, 10), "完好")])
    return {"head": head, "clerk": clerk}


# (received, completed, in progress, returned, forwarded, overdue, 办结率 text, average days text)
FEB_SERVICES = {
    "失业证": (4, 3, 3, 0, 0, 1, "25.0%", "12.5"),
    "养老保险待遇资格认证": (1, 1, 0, 0, 0, 0, "100.0%", "0.0"),
    "讨薪": (2, 1, 1, 1, 1, 1, "0.0%", "21.0"),
    "“4050”社保补贴": (1, 0, 1, 0, 0, 0, "0.0%", "—"),
    "矛盾纠纷调处": (1, 1, 0, 0, 0, 0, "100.0%", "10.0"),
}
FEB_TOTAL = (9, 6, 5, 1, 1, 2, "33.3%", "11.4")
# Received / completed in January 2025, February 2024 and January-February 2025, per service.
JAN_SERVICES = {"失业证": (1, 0), "养老保险待遇资格认证": (1, 1), "讨薪": (2, 0), "“4050”社保补贴": (0, 0),
                "矛盾纠纷调处": (0, 0)}
LAST_YEAR_SERVICES = {"失业证": (0, 0), "养老保险待遇资格认证": (1, 1), "讨薪": (0, 0), "“4050”社保补贴": (1, 1),
                      "矛盾纠纷调处": (0, 0)}
YTD_SERVICES = {"失业证": (5, 3, "40.0%"), "养老保险待遇资格认证": (2, 2, "100.0%"), "讨薪": (4, 1, "25.0%"),
                "“4050”社保补贴": (1, 0, "0.0%"), "矛盾纠纷调处": (1, 1, "100.0%")}
# Wage: cases, workers, owed, completed, recovered, forwarded for Feb, Jan, Feb 2024, year to date.
WAGE = {"本月": (2, 7, "¥35,000.00", 1, "¥8,000.00", 1), "上月": (2, 4, "¥13,000.50", 0, "¥0.00", 0),
        "去年同月": (0, 0, "¥0.00", 0, "¥0.00", 0), "本年累计": (4, 11, "¥48,000.50", 1, "¥8,000.00", 1)}
# Pension: pensioners, certified for the year, coverage, verifications in the period.
PENSION = {"本月": (3, 2, "66.7%", 1), "上月": (3, 1, "33.3%", 1), "去年同月": (3, 1, "33.3%", 1),
           "本年累计": (3, 2, "66.7%", 2)}
# Tools: slips, lent, returned, damaged, missing parts, lost, out at end, overdue, units in service, utilisation.
TOOLS = {"本月": (2, 3, 3, 1, 0, 1, 2, 1, 4, "53.9%"), "上月": (1, 2, 0, 0, 0, 0, 3, 1, 4, "27.6%")}
FEB_TOP_KINDS = [("梯子", 2), ("开锁工具", 1)]
# Staff: received, completed, loan slips in February.
FEB_STAFF = {"王小红": (6, 3, 1), "李站长": (2, 3, 1), "管理员": (1, 0, 0)}
# Grid: received, completed, in progress, overdue, 办结率.
FEB_GRIDS = {"第一网格": (6, 3, 4, 2, "33.3%"), "第二网格": (1, 3, 0, 0, "100.0%"), "未分网格": (2, 0, 1, 0, "0.0%")}
FEB_DAILY_RECEIVED = {3: 1, 6: 1, 10: 1, 12: 1, 14: 1, 18: 1, 25: 1, 27: 1, 28: 1}
FEB_DAILY_COMPLETED = {1: 1, 3: 1, 5: 1, 10: 1, 16: 1, 18: 1}


@pytest.fixture
def known(admin) -> dict[str, m.Staff]:
    return build_known_data(admin)


def _row(ps: stats.PeriodStats, name: str) -> stats.ServiceRow:
    return next(r for r in ps.services if r.name == name)


def _fmt_rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _fmt_days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _intake_tuple(t: stats.Tally) -> tuple:
    return (t.received, t.completed, t.in_progress, t.returned, t.forwarded, t.overdue,
            _fmt_rate(t.completion_rate), _fmt_days(t.avg_days))


def test_month_figures_match_hand_count(known):
    ms = stats.monthly_stats(FEB)
    feb = ms.current
    assert [r.name for r in feb.services] == list(FEB_SERVICES)  # inactive 微心愿 with no data is left out
    for name, expected in FEB_SERVICES.items():
        assert _intake_tuple(_row(feb, name)) == expected, name
    assert _intake_tuple(feb.total) == FEB_TOTAL
    unemp = _row(feb, "失业证")
    assert unemp.received_by_action == {"新办": 2, "年检": 2}
    assert unemp.completed_by_action == {"新办": 2, "注销": 1}

    for label, ps, expected in (("上月", ms.previous, JAN_SERVICES), ("去年同月", ms.last_year, LAST_YEAR_SERVICES)):
        assert {r.name: (r.received, r.completed) for r in ps.services} == expected, label
    assert {r.name: (r.received, r.completed, _fmt_rate(r.completion_rate))
            for r in ms.year_to_date.services} == YTD_SERVICES

    periods = {"本月": feb, "上月": ms.previous, "去年同月": ms.last_year, "本年累计": ms.year_to_date}
    for label, ps in periods.items():
        w = ps.wage
        assert (w.cases, w.workers, f"¥{w.owed_fen / 100:,.2f}", w.completed, f"¥{w.recovered_fen / 100:,.2f}",
                w.forwarded) == WAGE[label], label
        p = ps.pension
        assert (p.pensioners, p.certified, _fmt_rate(p.coverage), p.certified_in_period) == PENSION[label], label
    for label in TOOLS:
        t = periods[label].tools
        assert (t.slips, t.lent, t.returned, t.damaged, t.missing_parts, t.lost, t.out_at_end, t.overdue,
                t.units_in_service, _fmt_rate(t.utilisation)) == TOOLS[label], label
    assert feb.tools.unit_days_out == pytest.approx(60.375)
    assert feb.tools.top_kinds == FEB_TOP_KINDS
    jan = stats.period_stats(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert jan.tools.top_kinds == [("梯子", 1), ("电钻", 1)]
    # Comparison periods skip the breakdowns but carry every figure a comparison column prints.
    assert not ms.previous.detailed and ms.previous.staff == [] and ms.previous.grids == []
    assert ms.previous.daily == [] and ms.previous.tools.top_kinds == []
    assert _intake_tuple(ms.previous.total) == _intake_tuple(jan.total)
    assert (ms.previous.wage, ms.previous.pension) == (jan.wage, jan.pension)

    assert {r.name: (r.received, r.completed, r.loans) for r in feb.staff} == FEB_STAFF
    assert {g.name: (g.received, g.completed, g.in_progress, g.overdue, _fmt_rate(g.completion_rate))
            for g in feb.grids} == FEB_GRIDS
    assert [g.name for g in feb.grids][-1] == "未分网格"
    assert len(feb.daily) == 28
    assert {d.day.day: d.received for d in feb.daily if d.received} == FEB_DAILY_RECEIVED
    assert {d.day.day: d.completed for d in feb.daily if d.completed} == FEB_DAILY_COMPLETED


def test_year_boundary_and_annual(known):
    annual = stats.annual_stats(2025)
    assert len(annual.months) == 12
    assert [(s.total.received, s.total.completed) for s in annual.months[:3]] == [(4, 1), (9, 6), (1, 1)]
    year = annual.total
    assert (year.total.received, year.total.completed) == (14, 8)
    assert _row(year, "失业证").completed_by_action == {"新办": 2, "年检": 1, "注销": 1}
    # December 2024: intake 1 and the 2024 verification; the year before counts 2024 only.
    dec = stats.period_stats(dt.date(2024, 12, 1), dt.date(2024, 12, 31))
    assert (dec.total.received, dec.total.completed, dec.total.in_progress) == (2, 1, 1)
    assert (annual.previous.total.received, annual.previous.total.completed) == (4, 3)
    assert annual.previous.pension.certified == 2  # r1 (February 2024) and r3 (December 2024)


def test_running_month_counts_up_to_today(known):
    """While a month runs, "the end" is today: overdue as the intake list shows it today."""
    ps = stats.period_stats(FEB, dt.date(2025, 2, 28), today=dt.date(2025, 2, 14))
    assert ps.running and ps.cutoff == dt.date(2025, 2, 14)
    assert len(ps.daily) == 14
    # Received by the end of the 14th: intakes 2, 3, 6, 7 and 17.
    assert ps.total.received == 5
    # Open then: 3 (due 15 Feb, not yet overdue), 6 (forwarded on the 20th), 18 (due 20 Jan, overdue).
    assert (_row(ps, "失业证").in_progress, _row(ps, "失业证").overdue) == (1, 0)
    assert (_row(ps, "讨薪").in_progress, _row(ps, "讨薪").overdue) == (2, 1)
    assert ps.tools.days == 14


def test_empty_month_is_all_zeros(admin):
    ms = stats.monthly_stats(FEB)
    feb = ms.current
    assert [r.name for r in feb.services] == ["失业证", "养老保险待遇资格认证", "讨薪", "“4050”社保补贴"]
    assert _intake_tuple(feb.total) == (0, 0, 0, 0, 0, 0, "—", "—")
    assert feb.tools.utilisation is None and feb.pension.coverage is None
    assert feb.staff == [] and feb.grids == [] and feb.tools.top_kinds == []
    assert sum(d.received for d in feb.daily) == 0


def test_future_period_is_refused(admin):
    next_month = stats.add_months(clock.today().replace(day=1), 1)
    with pytest.raises(DomainError, match="还没有到"):
        stats.monthly_stats(next_month)
    with pytest.raises(DomainError, match="还没有到"):
        stats.annual_stats(clock.today().year + 1)


def test_month_helpers():
    assert stats.month_end(dt.date(2024, 2, 1)) == dt.date(2024, 2, 29)
    assert stats.month_end(dt.date(2025, 12, 1)) == dt.date(2025, 12, 31)
    assert stats.add_months(dt.date(2025, 1, 1), -1) == dt.date(2024, 12, 1)
    assert stats.add_months(dt.date(2025, 2, 1), -12) == dt.date(2024, 2, 1)
