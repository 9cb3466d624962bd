"""Who sees which class of tags: a setting of the class, not rank. A clerk never gets a supervision tag from
any service; the resident's own grid worker does; the administrator sees neither by rank alone."""

from __future__ import annotations

import pytest

from gridstation.core.care import care_settings, due, notes, tags
from gridstation.core.grids import register
from gridstation.core.grids.register import GridInput
from gridstation.core.rules.errors import DomainError, PermissionDenied
from gridstation.core.storage import models as m
from tests.core.care.world import AT, SINCE, build, resident

pytestmark = pytest.mark.both_backends


@pytest.fixture
def world(admin):
    w = build(admin)
    w.one = resident("王一", "011", notes="社区矫正")  # 第一网格: 张网格's resident
    w.two = resident("李二", "038", "第二网格")
    tags.add_tag(w.head, w.one.id, "独居老人", since=SINCE, at=AT)
    tags.add_tag(w.head, w.one.id, "严重精神障碍", since=SINCE, at=AT)
    tags.add_tag(w.head, w.two.id, "严重精神障碍", since=SINCE, at=AT)
    return w


def names(rows) -> set[str]:
    return {row.tag.name for row in rows}


def due_tags(actor) -> dict[str, set[str]]:
    return {row.name: set(row.tags) for row in due.due_list(actor, 2026, 12, at=AT)}


def test_a_clerk_gets_no_supervision_tag_from_any_service(world):
    clerk = world.clerk
    assert names(tags.tags_of(clerk, world.one.id, on=AT.date())) == {"独居老人"}
    assert tags.tags_of(clerk, world.two.id, history=True, on=AT.date()) == []
    assert {t.klass for t in tags.tag_kinds(clerk, on=AT.date())} == {"关爱"}
    assert due_tags(clerk) == {"王一": {"独居老人"}}  # 李二, with a supervision tag only, is not on the list
    assert notes.note_matches(clerk, at=AT) == []  # 王一's 备注 names a supervision tag
    row = m.ResidentTag.get((m.ResidentTag.resident == world.two) & (m.ResidentTag.tag == tags.find_tag("严重精神障碍")))
    with pytest.raises(PermissionDenied, match="监管"):
        tags.end_tag(clerk, row.id, at=AT)
    with pytest.raises(PermissionDenied, match="监管"):
        tags.add_tag(clerk, world.one.id, "社区矫正", since=SINCE, at=AT)


def test_the_grid_worker_sees_supervision_tags_of_his_own_grid_only(world):
    worker = world.worker_one  # a clerk's account, linked to 第一网格's 专职网格员
    assert names(tags.tags_of(worker, world.one.id, on=AT.date())) == {"独居老人", "严重精神障碍"}
    assert tags.tags_of(worker, world.two.id, on=AT.date()) == []
    assert due_tags(worker) == {"王一": {"独居老人", "严重精神障碍"}}
    assert [(n.name, n.tag) for n in notes.note_matches(worker, at=AT)] == [("王一", "社区矫正")]


def test_the_head_sees_both_and_the_administrator_neither_by_rank(world):
    assert names(tags.tags_of(world.head, world.two.id, on=AT.date())) == {"严重精神障碍"}
    assert due_tags(world.head) == {"王一": {"独居老人", "严重精神障碍"}, "李二": {"严重精神障碍"}}
    assert tags.tags_of(world.admin, world.one.id, on=AT.date()) == []
    assert tags.tag_kinds(world.admin, on=AT.date()) == []
    assert due.due_list(world.admin, 2026, 12, at=AT) == []
    assert tags.tags_of(None, world.one.id, on=AT.date()) == []  # the command line is the site's administrator


def test_visibility_is_a_setting_the_head_changes(world):
    care_settings.set_visibility(world.head, "监管", ["clerk", "head"])
    assert names(tags.tags_of(world.clerk, world.two.id, on=AT.date())) == {"严重精神障碍"}
    care_settings.set_visibility(world.head, "关爱", ["head"])
    assert names(tags.tags_of(world.clerk, world.one.id, on=AT.date())) == {"严重精神障碍"}
    with pytest.raises(PermissionDenied):
        care_settings.set_visibility(world.admin, "监管", ["admin"])  # the administrator cannot give it himself
    with pytest.raises(DomainError, match="可查看人员"):
        care_settings.set_visibility(world.head, "监管", ["everyone"])


def test_a_view_of_a_sensitive_list_is_audited_without_names_or_tags(world):
    before = m.AuditLog.select().count()
    tags.tags_of(world.head, world.two.id, on=AT.date())
    due.due_list(world.head, 2026, 12, at=AT)
    views = list(m.AuditLog.select().where(m.AuditLog.action == "查看关爱对象").order_by(m.AuditLog.id))
    assert m.AuditLog.select().count() == before + 2 and [v.username for v in views] == ["head", "head"]
    tag_names = [t.name for t in m.CareTag.select()]
    care_entries = list(m.AuditLog.select().where(m.AuditLog.entity.in_(["resident_tag", "care_view"])))
    assert len(care_entries) == 5  # three tags added, two views
    for entry in care_entries:
        text = entry.before + entry.after + entry.entity_id
        assert not any(name in text for name in [*tag_names, "王一", "李二"]), text


def test_the_grid_worker_serves_the_micro_grids_under_his_grid(world):
    register.add_grid(world.head, GridInput(name="一号微网格", level="五级", parent="第一网格"))
    small = resident("赵三", "054", "一号微网格")
    tags.add_tag(world.head, small.id, "社区矫正", since=SINCE, at=AT)
    tags.add_tag(world.head, small.id, "高龄老人", since=SINCE, at=AT)
    assert names(tags.tags_of(world.worker_one, small.id, on=AT.date())) == {"社区矫正", "高龄老人"}
    row = next(r for r in due.due_list(world.head, 2026, 12, at=AT) if r.name == "赵三")
    assert (row.grid, row.worker) == ("一号微网格", "张网格")  # no worker of its own: the parent grid's
