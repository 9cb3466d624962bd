"""The one-time assistant: residents whose 备注 names a tag (the demo and many stations wrote 独居老人, 低保户,
残疾人（持证） there, where every clerk sees it and the residents' export carries it), and moving each into a
tag row with the clerk's confirmation — the word taken out of the 备注 in the same write, audited.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
from dataclasses import dataclass

from gridstation.core.care import rules, tags, visibility
from gridstation.core.residents.status import present_condition
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.station import audit
from gridstation.core.station.roles import CLERK, require
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction

# How 备注 write a tag, where it differs from the tag's own name (each tag's name is matched too).
NOTE_WORDS = {
    "残疾人（持证）": "残疾人", "残疾人(持证)": "残疾人", "持证残疾人": "残疾人", "低保户": "低保", "低保边缘户": "低保边缘",
    "特困户": "特困", "特困供养": "特困", "失能老人": "失能/半失能", "半失能": "失能/半失能", "失能": "失能/半失能",
    "失独家庭": "计划生育特殊家庭", "空巢": "空巢老人", "独居": "独居老人", "80岁以上": "高龄老人",
}
_SEPARATORS = "，,、；;。 \t"


@dataclass(frozen=True)
class NoteMatch:
    resident_id: int
    name: str
    notes: str
    word: str  # as the 备注 writes it
    tag: str


def words_for(names: list[str]) -> list[tuple[str, str]]:
    """(word, tag) pairs for the tags given, longest word first, so 低保边缘户 is read before 低保."""
    pairs = {name: name for name in names}
    pairs.update({word: tag for word, tag in NOTE_WORDS.items() if tag in names})
    return sorted(pairs.items(), key=lambda pair: (-len(pair[0]), pair[0]))


def _first_word(notes: str, pairs: list[tuple[str, str]], held: set[str]) -> tuple[str, str] | None:
    for word, tag in pairs:
        if word in notes and tag not in held:
            return word, tag
    return None


def note_matches(actor: m.Staff | None, *, limit: int = 200, at: dt.datetime | None = None) -> list[NoteMatch]:
    """Present residents whose 备注 names a tag the account may see and they do not carry yet, one row a
    resident (the next word after each move). Audited as a view when a sensitive tag is among them."""
    require(actor, CLERK)
    day = (at or clock.now()).date()
    sight = visibility.sight_of(actor, day)
    kinds = list(m.CareTag.select().where(m.CareTag.active & m.CareTag.klass.in_(sorted(sight.any_class()))))
    pairs = words_for([kind.name for kind in kinds])
    if not pairs:
        return []
    klass = {kind.name: kind.klass for kind in kinds}
    mention = functools.reduce(operator.or_, [m.Resident.notes.contains(word) for word, _tag in pairs])
    held: dict[int, set[str]] = {}
    for rid, name in (m.ResidentTag.select(m.ResidentTag.resident, m.CareTag.name).join(m.CareTag)
                      .where(m.ResidentTag.until.is_null()).tuples()):
        held.setdefault(rid, set()).add(name)
    found = []
    for resident in m.Resident.select().where(mention & present_condition(day)).order_by(m.Resident.id):
        pair = _first_word(resident.notes, [p for p in pairs if sight.sees(klass[p[1]], resident.grid_id)],
                           held.get(resident.id, set()))
        if pair is not None:
            found.append(NoteMatch(resident.id, resident.name, resident.notes, *pair))
        if len(found) >= limit:
            break
    sensitive = {kind.name for kind in kinds if kind.sensitive}
    if any(match.tag in sensitive for match in found):
        visibility.record_view(actor, "notes", len(found))
    return found


def without_word(notes: str, word: str) -> str:
    """The 备注 with the word taken out, with the separator after it (独居老人，子女在外地 → 子女在外地)."""
    pattern = re.escape(word) + f"[{re.escape(_SEPARATORS)}]*"
    return re.sub(pattern, "", notes, count=1).strip(_SEPARATORS)


def move_note(actor: m.Staff | None, resident_id: int, word: str, tag: str, *, seen_notes: str,
              at: dt.datetime | None = None) -> m.ResidentTag:
    """The clerk confirms: the resident carries the tag from today (source 备注, the word kept as evidence),
    and the word leaves the 备注, in one write. ``seen_notes``: the 备注 as the clerk saw it; if it has
    changed since, nothing is done and the clerk looks again."""
    require(actor, CLERK)
    moment = at or clock.now()
    with write_transaction():
        resident = m.row_or_none(m.Resident, resident_id)
        if resident is None:
            raise NotFound(f"找不到编号为 {resident_id} 的居民。")
        if resident.notes != seen_notes:
            raise DomainError(f"居民“{resident.name}”的备注已被修改，请重新查看后再确认。", field="notes")
        if word not in resident.notes:
            raise DomainError("备注中没有这个词。", field="notes")
        row = tags.add_tag_in_write(actor, resident, tags.find_tag(tag), since=moment.date(), source=rules.FROM_NOTE,
                                    source_note=word[:tags.SOURCE_NOTE_LIMIT], moment=moment)
        edited = without_word(resident.notes, word)
        m.Resident.update(notes=edited, updated_at=moment).where(m.Resident.id == resident.id).execute()
        audit.record(actor, "备注转为关爱标签", "resident", resident.id,
                     after={"tag_row": row.id, "notes_before_chars": len(seen_notes), "notes_after_chars": len(edited)})
    return row
