"""A resident's status: 在册, 迁出 (a day, where to), 死亡 (a day); who was present on a day; the roster."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import fn

from gridstation.core.intake import intakes, residents
from gridstation.core.ledgers import audit_text
from gridstation.core.residents import status
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError, PermissionDenied
from gridstation.core.statistics import stats
from gridstation.core.storage import models as m
from tests.helpers import make_id, snapshot

pytestmark = pytest.mark.both_backends


def pensioner(actor, seq, name="王然"):
    return residents.save_resident(actor, residents.ResidentInput(name=name, doc_number=make_id(birth="19500307", seq=seq),
                                                                  is_pensioner=True))


def present_ids(on):
    return {r.id for r in m.Resident.select().where(status.present_condition(on))}


def test_a_resident_who_died_or_moved_is_present_until_that_day(clerk):
    today = clock.today()
    wang, li, zhao = pensioner(clerk, "101"), pensioner(clerk, "102", "李四"), pensioner(clerk, "103", "赵六")
    died = today - dt.timedelta(days=30)
    status.change_status(clerk, wang.id, status.DECEASED, on=died)
    moved = status.change_status(clerk, li.id, status.MOVED_OUT, on=today, moved_to="昆明市盘龙区")
    assert status.describe(moved) == f"迁出（{today:%Y-%m-%d}，迁往 昆明市盘龙区）"
    assert present_ids(died - dt.timedelta(days=1)) == {wang.id, li.id, zhao.id}
    assert present_ids(died) == {li.id, zhao.id}
    assert present_ids(today) == {zhao.id}
    assert status.is_present(residents.get_resident(li.id), today - dt.timedelta(days=1))
    roster = {row.resident.name for row in intakes.pension_roster(today.year)}
    assert roster == {"赵六"}
    said = audit_text.sentences(m.AuditLog.select().where(m.AuditLog.action == "变更居民状态").order_by(m.AuditLog.id))
    assert said[0] == f"王小红 变更居民状态 居民 王然：状态：在册 → 死亡；日期：（空） → {died:%Y-%m-%d}"


def test_wrong_dates_and_roles_are_refused_and_nothing_changes(clerk, head):
    wang = pensioner(clerk, "201")
    before = snapshot()
    with pytest.raises(DomainError, match="死亡日期不能晚于今天"):
        status.change_status(clerk, wang.id, status.DECEASED, on=clock.today() + dt.timedelta(days=1))
    with pytest.raises(DomainError, match="迁出日期不能早于出生日期 1950-03-07"):
        status.change_status(clerk, wang.id, status.MOVED_OUT, on=dt.date(1949, 1, 1), moved_to="外地")
    with pytest.raises(DomainError, match="请填写迁往何处"):
        status.change_status(clerk, wang.id, status.MOVED_OUT)
    with pytest.raises(DomainError, match="控制字符"):
        status.change_status(clerk, wang.id, status.MOVED_OUT, moved_to="外地\x1b[2J")
    with pytest.raises(DomainError, match="居民状态应为在册、迁出、死亡之一"):
        status.change_status(clerk, wang.id, "失踪")
    with pytest.raises(DomainError, match="本来就在册"):
        status.change_status(head, wang.id, status.PRESENT)
    status_before = snapshot()
    assert status_before == before
    status.change_status(clerk, wang.id, status.DECEASED)
    with pytest.raises(PermissionDenied):
        status.change_status(clerk, wang.id, status.PRESENT)  # undoing a record is the head's
    back = status.change_status(head, wang.id, status.PRESENT)
    assert (back.status, back.status_on, back.moved_to) == (status.PRESENT, None, "")


def test_the_pension_figures_count_the_pensioners_present_at_the_periods_end(clerk):
    today = clock.today()
    wang = pensioner(clerk, "301")
    pensioner(clerk, "302", "李四")
    died = today - dt.timedelta(days=40)
    status.change_status(clerk, wang.id, status.DECEASED, on=died)
    before_death = died - dt.timedelta(days=1)
    assert stats.period_stats(before_death, before_death, today, detail=False).pension.pensioners == 2
    assert stats.period_stats(today, today, today, detail=False).pension.pensioners == 1


def test_no_proof_of_life_is_taken_for_a_resident_who_died_and_a_past_one_stays_true(clerk, head):
    """The pension certification is a 生存认证: for a resident recorded dead on or before the day it is refused in
    one line (nothing stored); one dated before the death (a past year's ledger) is accepted; other services,
    a funeral subsidy asked by the family say, still go on."""
    wang = pensioner(clerk, "201")
    died = clock.today() - dt.timedelta(days=10)
    status.change_status(clerk, wang.id, status.DECEASED, on=died)
    pension = {"cert_year": str(died.year), "way": "窗口"}
    before = snapshot()
    with pytest.raises(DomainError, match="已于 .* 登记死亡，不能办理养老保险待遇资格认证"):
        intakes.create_intake(clerk, intakes.IntakeInput(wang.id, "pension_cert", details=pension))
    assert snapshot() == before
    earlier = dt.datetime.combine(died - dt.timedelta(days=1), dt.time(9))
    assert intakes.create_intake(clerk, intakes.IntakeInput(wang.id, "pension_cert", details=pension,
                                                            received_at=earlier)).received_at == earlier
    assert intakes.create_intake(clerk, intakes.IntakeInput(
        wang.id, "unemployment", action="年检", details={"cert_no": "5301110012345", "docs_checked": True}
    )).service.code == "unemployment"
    status.change_status(head, wang.id, status.PRESENT)  # the record was wrong: certified again
    assert intakes.create_intake(clerk, intakes.IntakeInput(wang.id, "pension_cert", details=pension)).serial


def test_counting_by_a_column_gives_the_residents_present_condition_counts(clerk):
    """``present_by`` counts everyone through an index and takes off who left: the same as the rule."""
    today = clock.today()
    people = [pensioner(clerk, seq, name) for seq, name in (("111", "王然"), ("112", "李四"), ("113", "赵六"))]
    status.change_status(clerk, people[0].id, status.DECEASED, on=today - dt.timedelta(days=30))
    status.change_status(clerk, people[1].id, status.MOVED_OUT, on=today - dt.timedelta(days=5), moved_to="昆明")
    for on in (today - dt.timedelta(days=40), today - dt.timedelta(days=10), today):
        by_rule = (m.Resident.select(m.Resident.name, fn.COUNT(m.Resident.id))
                   .where(status.present_condition(on)).group_by(m.Resident.name).tuples())
        assert status.present_by(m.Resident.name, on) == dict(by_rule)
    assert status.present_by(m.Resident.name, today, m.Resident.name != "赵六") == {}
