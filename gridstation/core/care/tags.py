"""The station's tag list and residents' tags: each tag a row (since, until, where it came from, who entered
it), never a bare flag, so a tag's history and evidence stay. Every list returned passes ``visibility``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from gridstation.core.care import rules, visibility
from gridstation.core.residents.status import is_present
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError, NotFound, PermissionDenied
from gridstation.core.rules.free_text import clean_text
from gridstation.core.station import audit
from gridstation.core.station.roles import CLERK, HEAD, require
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction

SOURCE_NOTE_LIMIT = 60


def _tag_view(tag: m.CareTag) -> dict:
    return {"name": tag.name, "klass": tag.klass, "frequency": tag.frequency, "ways": tag.ways,
            "sensitive": tag.sensitive, "active": tag.active}


def tag_kinds(actor: m.Staff | None, *, on: dt.date | None = None) -> list[m.CareTag]:
    """The station's tags of the classes this account may meet (a clerk's list has no supervision tags)."""
    require(actor, CLERK)
    sight = visibility.sight_of(actor, on or clock.today())
    return list(m.CareTag.select().where(m.CareTag.klass.in_(sorted(sight.any_class())))
                .order_by(m.CareTag.klass, m.CareTag.id))


def add_tag_kind(actor: m.Staff | None, name: str, klass: str, frequency: str = "",
                 ways: Iterable[str] = (rules.HOME,), *, sensitive: bool = False) -> m.CareTag:
    """A tag the station adds to its list (the head's: it sets how often residents are visited)."""
    require(actor, HEAD)
    values = {"name": rules.check_tag_name(name), "klass": rules.check_class(klass),
              "frequency": rules.check_frequency(frequency), "ways": rules.check_ways(ways),
              "sensitive": bool(sensitive) or klass == rules.SUPERVISION}
    with write_transaction():
        if m.CareTag.select().where(m.CareTag.name == values["name"]).exists():
            raise DomainError(f"标签“{values['name']}”已在清单中。", field="name")
        tag = m.CareTag.create(**values)
        audit.record(actor, "新增关爱标签", "care_tag", tag.id, after=_tag_view(tag))
    return tag


def set_tag_rule(actor: m.Staff | None, tag_id: int, frequency: str, ways: Iterable[str], *,
                 active: bool = True) -> m.CareTag:
    """The head sets a tag's visit frequency and the ways that count, or stops using it (kept for history)."""
    require(actor, HEAD)
    values = {"frequency": rules.check_frequency(frequency), "ways": rules.check_ways(ways), "active": bool(active)}
    with write_transaction():
        tag = m.row_or_none(m.CareTag, tag_id)
        if tag is None:
            raise NotFound(f"找不到编号为 {tag_id} 的标签。")
        before = _tag_view(tag)
        m.CareTag.update(**values).where(m.CareTag.id == tag.id).execute()
        tag = m.CareTag.get_by_id(tag.id)
        audit.record(actor, "修改关爱标签", "care_tag", tag.id, before=before, after=_tag_view(tag))
    return tag


def find_tag(name_or_id: str | int) -> m.CareTag:
    tag = (m.row_or_none(m.CareTag, name_or_id) if isinstance(name_or_id, int)
           else m.CareTag.get_or_none(m.CareTag.name == str(name_or_id).strip()))
    if tag is None:
        raise NotFound(f"标签清单中没有“{name_or_id}”。")
    return tag


def _resident(resident_id: int) -> m.Resident:
    resident = m.row_or_none(m.Resident, resident_id)
    if resident is None:
        raise NotFound(f"找不到编号为 {resident_id} 的居民。")
    return resident


def _refuse_unseen(sight: visibility.Sight, tag: m.CareTag, resident: m.Resident) -> None:
    if not sight.sees(tag.klass, resident.grid_id):
        raise PermissionDenied(f"您无权查看或登记{tag.klass}类标签。")


def _tag_audit(row: m.ResidentTag) -> dict:
    """A tag row as the audit log keeps it: ids, never a tag's name beside a resident (logs are read widely)."""
    return {"resident": row.resident_id, "tag": row.tag_id, "since": row.since, "until": row.until,
            "source": row.source}


def add_tag_in_write(actor: m.Staff | None, resident: m.Resident, tag: m.CareTag, *, since: dt.date,
                     source: str, source_note: str, moment: dt.datetime) -> m.ResidentTag:
    """Inside a caller's write: the resident carries the tag from ``since`` (the assistant moving a 备注
    calls this in its own transaction)."""
    _refuse_unseen(visibility.sight_of(actor, moment.date()), tag, resident)
    if not tag.active:
        raise DomainError(f"标签“{tag.name}”已停用。", field="tag")
    if not is_present(resident, since):
        raise DomainError(f"居民“{resident.name}”已{resident.status}，不能再登记关爱标签。", field="resident")
    if since > moment.date():
        raise DomainError("标签起始日期不能晚于今天。", field="since")
    open_rows = m.ResidentTag.select().where((m.ResidentTag.resident == resident) & (m.ResidentTag.tag == tag)
                                             & m.ResidentTag.until.is_null())
    if open_rows.exists():
        raise DomainError(f"居民“{resident.name}”已有该标签。", field="tag")
    row = m.ResidentTag.create(resident=resident, tag=tag, since=since, source=source, source_note=source_note,
                               entered_by=actor, entered_at=moment)
    audit.record(actor, "登记关爱标签", "resident_tag", row.id, after=_tag_audit(row))
    return row


def add_tag(actor: m.Staff | None, resident_id: int, tag: str | int, *, since: dt.date | None = None,
            source: str = rules.BY_HAND, source_note: str = "", at: dt.datetime | None = None) -> m.ResidentTag:
    """The resident carries a tag from a day (today when not given), with its source: a roster (its name and
    date in ``source_note``), a visit (its number) or by hand. Only a class the account sees."""
    require(actor, CLERK)
    moment = at or clock.now()
    if source not in rules.SOURCES:
        raise DomainError(f"标签来源应为{'、'.join(rules.SOURCES)}之一。", field="source")
    note = clean_text(source_note, "来源说明", SOURCE_NOTE_LIMIT, field="source_note")
    with write_transaction():
        return add_tag_in_write(actor, _resident(resident_id), find_tag(tag), since=since or moment.date(),
                                source=source, source_note=note, moment=moment)


def end_tag(actor: m.Staff | None, row_id: int, *, on: dt.date | None = None,
            at: dt.datetime | None = None) -> m.ResidentTag:
    """The tag stops applying on a day (today when not given); the row stays as evidence."""
    require(actor, CLERK)
    moment = at or clock.now()
    day = on or moment.date()
    with write_transaction():
        row = m.row_or_none(m.ResidentTag, row_id)
        if row is None:
            raise NotFound(f"找不到编号为 {row_id} 的标签记录。")
        _refuse_unseen(visibility.sight_of(actor, moment.date()), row.tag, row.resident)
        if row.until is not None:
            raise DomainError(f"该标签已于 {row.until:%Y-%m-%d} 结束。")
        if day < row.since:
            raise DomainError(f"结束日期不能早于起始日期 {row.since:%Y-%m-%d}。", field="until")
        before = _tag_audit(row)
        m.ResidentTag.update(until=day).where(m.ResidentTag.id == row.id).execute()
        row = m.ResidentTag.get_by_id(row.id)
        audit.record(actor, "结束关爱标签", "resident_tag", row.id, before=before, after=_tag_audit(row))
    return row


def tags_of(actor: m.Staff | None, resident_id: int, *, history: bool = False,
            on: dt.date | None = None) -> list[m.ResidentTag]:
    """A resident's tags the account may see (current ones, or every row with ``history``); a view holding a
    sensitive tag, or any tag of a child under 14, is audited."""
    require(actor, CLERK)
    day = on or clock.today()
    resident = _resident(resident_id)
    sight = visibility.sight_of(actor, day)
    rows = (m.ResidentTag.select(m.ResidentTag, m.CareTag).join(m.CareTag)
            .where(m.ResidentTag.resident == resident).order_by(m.ResidentTag.since, m.ResidentTag.id))
    if not history:
        rows = rows.where(m.ResidentTag.until.is_null() | (m.ResidentTag.until > day))
    seen = [row for row in rows if sight.sees(row.tag.klass, resident.grid_id)]
    if any(row.tag.sensitive for row in seen) or (seen and visibility.is_child(resident.birth_date, day)):
        visibility.record_view(actor, f"resident:{resident.id}", len(seen))
    return seen
