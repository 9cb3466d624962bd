"""The one-time assistant: residents whose 备注 names a tag, moved into a tag row on the clerk's word, the
word taken out of the 备注 in the same write, audited without the tag's name."""

from __future__ import annotations

import datetime as dt

import pytest

from gridstation.core.care import notes, tags
from gridstation.core.residents import status
from gridstation.core.rules.errors import DomainError
from gridstation.core.storage import models as m
from tests.core.care.world import AT, build, resident
from tests.helpers import snapshot

pytestmark = pytest.mark.both_backends


@pytest.fixture
def world(admin):
    return build(admin)


def test_residents_whose_notes_name_a_tag_are_listed_with_the_tag_the_words_mean(world):
    resident("王一", "011", notes="独居老人，子女在外地")
    resident("李二", "038", notes="低保户")
    resident("赵三", "054", notes="残疾人（持证）；低保边缘户")
    resident("钱四", "070", notes="喜欢下棋")
    gone = resident("孙五", "097", notes="独居老人")
    status.change_status(world.clerk, gone.id, status.DECEASED, on=dt.date(2026, 12, 1), at=AT)
    found = [(n.name, n.word, n.tag) for n in notes.note_matches(world.clerk, at=AT)]
    assert found == [("王一", "独居老人", "独居老人"), ("李二", "低保户", "低保"), ("赵三", "残疾人（持证）", "残疾人")]
    assert m.AuditLog.select().where(m.AuditLog.action == "查看关爱对象").count() == 1  # 残疾人 is sensitive


def test_moving_a_word_makes_a_tag_row_from_the_note_and_edits_the_note(world):
    person = resident("赵三", "054", notes="残疾人（持证）；低保边缘户")
    match = notes.note_matches(world.clerk, at=AT)[0]
    row = notes.move_note(world.clerk, person.id, match.word, match.tag, seen_notes=match.notes, at=AT)
    assert (row.tag.name, row.source, row.source_note, row.since, row.entered_by_id) == (
        "残疾人", "备注", "残疾人（持证）", AT.date(), world.clerk.id)
    assert m.Resident.get_by_id(person.id).notes == "低保边缘户"
    follow = notes.note_matches(world.clerk, at=AT)
    assert [(n.word, n.tag) for n in follow] == [("低保边缘户", "低保边缘")]
    notes.move_note(world.clerk, person.id, "低保边缘户", "低保边缘", seen_notes=follow[0].notes, at=AT)
    assert m.Resident.get_by_id(person.id).notes == "" and notes.note_matches(world.clerk, at=AT) == []
    assert {t.tag.name for t in tags.tags_of(world.clerk, person.id, on=AT.date())} == {"残疾人", "低保边缘"}
    entry = m.AuditLog.select().where(m.AuditLog.action == "备注转为关爱标签").order_by(m.AuditLog.id).first()
    assert "残疾" not in entry.after and entry.entity == "resident"


def test_a_note_changed_since_it_was_shown_or_a_hidden_class_is_refused_and_nothing_stored(world):
    person = resident("王一", "011", notes="独居老人")
    before = snapshot()
    with pytest.raises(DomainError, match="已被修改"):
        notes.move_note(world.clerk, person.id, "独居老人", "独居老人", seen_notes="别的", at=AT)
    with pytest.raises(DomainError, match="监管"):
        notes.move_note(world.clerk, person.id, "独居老人", "社区矫正", seen_notes="独居老人", at=AT)
    assert snapshot() == before


@pytest.mark.parametrize(("text", "word", "left"), [
    ("独居老人，子女在外地", "独居老人", "子女在外地"),
    ("子女在外地；独居老人", "独居老人", "子女在外地"),
    ("独居老人", "独居老人", ""),
    ("a独居老人b", "独居老人", "ab"),
])
def test_the_word_leaves_the_note_with_its_separator(text, word, left):
    assert notes.without_word(text, word) == left
