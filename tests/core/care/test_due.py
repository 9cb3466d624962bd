"""The month's due list: calendar periods, several tags, the ways that count, major changes, residents who
left or died, by worker and grid, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest

from gridstation.core.care import due, tags, visits
from gridstation.core.care.visits import VisitInput
from gridstation.core.residents import status
from gridstation.core.storage import db as dbmod
from tests.core.care.world import AT, SINCE, build, resident

pytestmark = pytest.mark.both_backends


@pytest.fixture
def world(admin):
    return build(admin)


def states(actor, year: int, month: int, at: dt.datetime = AT, **where) -> dict[str, str]:
    return {row.name: row.state for row in due.due_list(actor, year, month, at=at, **where)}


def went(w, person, on: dt.date, way: str = "上门", visitor=None) -> None:
    visits.record_visit(w.clerk, VisitInput(person.id, on, (visitor or w.visitor).id, way=way, seen=way == "上门"),
                        at=AT)


def test_a_monthly_resident_is_due_in_every_calendar_month_whatever_day_the_last_visit_fell_on(world):
    old = resident("王一", "011")
    tags.add_tag(world.clerk, old.id, "独居老人", since=SINCE, at=AT)
    went(world, old, dt.date(2026, 10, 31))
    assert states(world.clerk, 2026, 10) == {"王一": "已走访"}
    assert states(world.clerk, 2026, 11) == {"王一": "逾期"}  # October's last day does not cover November
    assert states(world.clerk, 2026, 12) == {"王一": "待走访"}
    assert states(world.clerk, 2027, 1, at=dt.datetime(2027, 1, 2, 9)) == {"王一": "待走访"}
    row = due.due_list(world.clerk, 2026, 12, at=AT)[0]
    assert (row.period, row.last_visit, row.worker, row.grid) == (
        (dt.date(2026, 12, 1), dt.date(2026, 12, 31)), dt.date(2026, 10, 31), "张网格", "第一网格")


def test_the_most_frequent_tag_rules_and_a_call_counts_only_where_every_such_tag_accepts_it(world):
    both = resident("李二", "038")
    tags.add_tag(world.clerk, both.id, "低保", since=SINCE, at=AT)  # quarterly, any way
    tags.add_tag(world.clerk, both.id, "空巢老人", since=SINCE, at=AT)  # monthly, any way
    went(world, both, dt.date(2026, 12, 1), way="电话")
    assert states(world.clerk, 2026, 12) == {"李二": "已走访"}
    tags.add_tag(world.clerk, both.id, "独居老人", since=SINCE, at=AT)  # monthly, 上门 only
    assert states(world.clerk, 2026, 12) == {"李二": "待走访"}
    went(world, both, dt.date(2026, 12, 2))
    rows = due.due_list(world.clerk, 2026, 12, at=AT)
    assert [(r.state, r.frequency, set(r.tags)) for r in rows] == [("已走访", "每月", {"低保", "空巢老人", "独居老人"})]


def test_residents_who_left_or_died_are_not_due_after_and_an_ended_tag_asks_nothing(world):
    left, died, ended = resident("赵三", "054"), resident("钱四", "070"), resident("孙五", "097")
    for person in (left, died, ended):
        tags.add_tag(world.clerk, person.id, "独居老人", since=SINCE, at=AT)
    status.change_status(world.clerk, left.id, status.MOVED_OUT, on=dt.date(2026, 11, 20), moved_to="昆明市盘龙区", at=AT)
    status.change_status(world.clerk, died.id, status.DECEASED, on=dt.date(2026, 12, 3), at=AT)
    row = tags.tags_of(world.clerk, ended.id, on=AT.date())[0]
    tags.end_tag(world.clerk, row.id, on=dt.date(2026, 11, 1), at=AT)
    assert states(world.clerk, 2026, 12) == {}
    assert states(world.clerk, 2026, 11) == {"钱四": "逾期"}  # present all November
    assert states(world.clerk, 2026, 10) == {"赵三": "逾期", "钱四": "逾期", "孙五": "逾期"}


def test_a_major_change_makes_a_resident_due_until_a_home_visit_and_overdue_after_its_hours(world):
    plain = resident("周六", "110")  # no tag at all
    visits.record_change(world.clerk, plain.id, "住院", at=AT)
    assert states(world.clerk, 2026, 12) == {"周六": "待走访"}
    assert states(world.clerk, 2026, 12, at=AT + dt.timedelta(hours=25)) == {"周六": "逾期"}
    went(world, plain, AT.date())
    assert states(world.clerk, 2026, 12) == {}


def test_by_grid_and_by_worker(world):
    one, two = resident("吴七", "136"), resident("郑八", "152", "第二网格")
    for person in (one, two):
        tags.add_tag(world.clerk, person.id, "高龄老人", since=SINCE, at=AT)
    assert [(r.name, r.grid, r.worker) for r in due.due_list(world.clerk, 2026, 12, at=AT)] == [
        ("吴七", "第一网格", "张网格"), ("郑八", "第二网格", "赵兼职")]
    assert states(world.clerk, 2026, 12, grid_id=world.grid_two.id) == {"郑八": "待走访"}
    assert states(world.clerk, 2026, 12, worker="张网格") == {"吴七": "待走访"}


def count_queries(monkeypatch, action) -> int:
    database = dbmod.current()
    calls = []
    original = database.execute_sql

    def counted(sql, *args, **kwargs):
        calls.append(sql)
        return original(sql, *args, **kwargs)

    monkeypatch.setattr(database, "execute_sql", counted)
    action()
    monkeypatch.setattr(database, "execute_sql", original)
    return len(calls)


def test_the_list_takes_the_same_few_queries_for_two_residents_or_ten(world, monkeypatch):
    def add(seqs):
        for seq in seqs:
            person = resident(f"居民{seq}", seq)
            tags.add_tag(world.clerk, person.id, "独居老人", since=SINCE, at=AT)
            went(world, person, dt.date(2026, 12, 1))
            visits.record_change(world.clerk, person.id, "住院", at=AT)

    add(["201", "202"])
    few = count_queries(monkeypatch, lambda: due.due_list(world.clerk, 2026, 12, at=AT))
    add([str(n) for n in range(203, 211)])
    many = count_queries(monkeypatch, lambda: due.due_list(world.clerk, 2026, 12, at=AT))
    assert few == many <= 10
