"""The station's tag list (the head keeps it) and residents' tags as rows with their evidence."""

from __future__ import annotations

import datetime as dt

import pytest

from gridstation.core.care import tags
from gridstation.core.residents import status
from gridstation.core.rules.errors import DomainError, PermissionDenied
from gridstation.core.storage import models as m
from tests.core.care.world import AT, SINCE, build, resident
from tests.helpers import snapshot

pytestmark = pytest.mark.both_backends


@pytest.fixture
def world(admin):
    w = build(admin)
    w.old = resident("王一", "011")
    return w


def test_a_tag_row_keeps_since_until_source_and_who_entered_it(world):
    row = tags.add_tag(world.clerk, world.old.id, "低保", since=SINCE, source="名单", source_note="2026年低保名单", at=AT)
    assert (row.since, row.until, row.source, row.source_note, row.entered_by_id) == (
        SINCE, None, "名单", "2026年低保名单", world.clerk.id)
    tags.end_tag(world.clerk, row.id, on=dt.date(2026, 11, 30), at=AT)
    assert tags.tags_of(world.clerk, world.old.id, on=AT.date()) == []
    history = tags.tags_of(world.clerk, world.old.id, history=True, on=AT.date())
    assert [(r.tag.name, r.until) for r in history] == [("低保", dt.date(2026, 11, 30))]
    again = tags.add_tag(world.clerk, world.old.id, "低保", at=AT)  # a new row, the old one kept
    assert again.since == AT.date() and m.ResidentTag.select().count() == 2


@pytest.mark.parametrize(("call", "message"), [
    (lambda w: tags.add_tag(w.clerk, w.old.id, "低保", since=AT.date() + dt.timedelta(days=1), at=AT), "晚于今天"),
    (lambda w: tags.add_tag(w.clerk, w.old.id, "没有这个", at=AT), "标签清单中没有"),
    (lambda w: tags.add_tag(w.clerk, w.old.id, "低保", source="听说", at=AT), "标签来源"),
    (lambda w: tags.add_tag(w.clerk, w.old.id, "低保", source_note="名单\x07", at=AT), "控制字符"),
    (lambda w: tags.add_tag(w.clerk, 2**70, "低保", at=AT), "居民"),
    (lambda w: tags.add_tag_kind(w.head, "独居\x1b[0m", "关爱"), "控制字符"),
    (lambda w: tags.add_tag_kind(w.head, "独居老人", "关爱"), "已在清单"),
    (lambda w: tags.add_tag_kind(w.head, "新标签", "关爱", "每天"), "走访频次"),
    (lambda w: tags.add_tag_kind(w.clerk, "新标签", "关爱"), "权限"),
    (lambda w: tags.set_tag_rule(w.clerk, 1, "每周", ["上门"]), "权限"),
])
def test_bad_input_is_refused_in_chinese_and_nothing_is_stored(world, call, message):
    before = snapshot()
    with pytest.raises(DomainError, match=message):
        call(world)
    assert snapshot() == before


def test_a_tag_is_not_doubled_nor_given_after_a_resident_left(world):
    tags.add_tag(world.clerk, world.old.id, "低保", since=SINCE, at=AT)
    with pytest.raises(DomainError, match="已有该标签"):
        tags.add_tag(world.clerk, world.old.id, "低保", at=AT)
    status.change_status(world.clerk, world.old.id, status.MOVED_OUT, on=dt.date(2026, 12, 1), moved_to="外省", at=AT)
    with pytest.raises(DomainError, match="迁出"):
        tags.add_tag(world.clerk, world.old.id, "高龄老人", at=AT)


def test_the_head_adds_tags_and_sets_their_frequency_and_ways(world):
    added = tags.add_tag_kind(world.head, "重点关注", "关爱", "每周", ["电话"])
    assert (added.frequency, added.ways, added.builtin, added.sensitive) == ("每周", "上门、电话", False, False)
    watched = tags.add_tag_kind(world.head, "重点人员", "监管")
    assert watched.sensitive  # a supervision tag is always sensitive
    changed = tags.set_tag_rule(world.head, added.id, "每月", ["视频", "上门"], active=False)
    assert (changed.frequency, changed.ways, changed.active) == ("每月", "上门、视频", False)
    with pytest.raises(DomainError, match="已停用"):
        tags.add_tag(world.clerk, world.old.id, "重点关注", at=AT)
    with pytest.raises(PermissionDenied):
        tags.add_tag(world.clerk, world.old.id, "重点人员", at=AT)
