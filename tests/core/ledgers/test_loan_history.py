"""A returned loan from an older loans ledger is history: it comes in whatever its tool's state today,
even a tool lent out today on another slip, as long as the two loans do not overlap in time."""

from __future__ import annotations

import datetime as dt

import pytest

from gridstation.core.intake import residents
from gridstation.core.rules import clock
from gridstation.core.storage import models as m
from gridstation.core.toolbox import lending, tool_units
from tests.core.ledgers.test_ledger_import import LI, ZHANG, check, xlsx

pytestmark = pytest.mark.both_backends

HEADERS = ["借用单号", "资产编号", "身份证号", "姓名", "借出日期", "应还日期", "归还日期", "归还状况", "押金", "已退押金"]


@pytest.fixture
def lent_today(admin) -> m.Loan:
    """GJ-0039 out today on the counter's own slip, to 李四."""
    residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=ZHANG))
    li = residents.save_resident(admin, residents.ResidentInput(name="李四", doc_number=LI))
    kind = tool_units.save_kind(admin, tool_units.KindInput(name="通下水道工具", loan_days=7, deposit="50"))
    tool_units.add_units(admin, kind.id, codes=["GJ-0039", "GJ-0040"])
    return lending.lend(admin, li.id, ["GJ-0039"], lent_at=clock.now() - dt.timedelta(hours=2))


def old_row(slip: str, code: str, lent: dt.datetime, back: dt.datetime | None) -> list[object]:
    return [slip, code, ZHANG, "张三", lent, (lent + dt.timedelta(days=4)).date(), back, "完好" if back else None, 50,
            50 if back else None]


def test_a_returned_loan_of_a_tool_lent_out_today_is_history(site_db, admin, lent_today, tmp_path):
    lent = clock.now() - dt.timedelta(days=300)
    path = xlsx(tmp_path / "l.xlsx", [HEADERS, old_row("JYX0003", "GJ-0039", lent, lent + dt.timedelta(days=1))])
    report = check(path, "loans")
    assert report.written and not report.problems, [p.line() for p in report.problems]
    old = m.Loan.get(m.Loan.slip_no == "JYX0003")
    assert [i.returned_at is not None for i in lending.loan_items(old)] == [True]
    assert tool_units.get_unit("GJ-0039").state == tool_units.ON_LOAN  # still out on today's slip
    assert [i.returned_at for i in lending.loan_items(lending.get_loan(lent_today.slip_no))] == [None]


def test_history_overlapping_todays_loan_is_refused_for_that_and_an_open_row_for_lacking_a_return(
        site_db, admin, lent_today, tmp_path):
    lent = clock.now() - dt.timedelta(days=3)
    path = xlsx(tmp_path / "l.xlsx", [
        HEADERS,
        old_row("JYX0004", "GJ-0039", lent, clock.now() - dt.timedelta(hours=1)),  # back after today's lending
        old_row("JYX0005", "GJ-0039", lent, None),
    ])
    report = check(path, "loans", valid_only=True)
    lines = [p.line() for p in report.problems]
    assert len(lines) == 2, lines
    assert "重叠" in lines[0] and "没有归还日期" not in lines[0] and lent_today.slip_no in lines[0]
    assert "没有归还日期" in lines[1] and "已借出" in lines[1]
