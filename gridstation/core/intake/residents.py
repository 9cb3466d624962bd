"""Residents: registration, edits and the one search box."""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
from dataclasses import dataclass, field

import peewee

from gridstation.core.grids import places, register
from gridstation.core.rules import clock, idcard
from gridstation.core.rules.address_keys import address_key, unit_key
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.rules.free_text import clean_text
from gridstation.core.rules.person_names import clean_name
from gridstation.core.rules.pinyin_keys import name_keys, prefix_end
from gridstation.core.station import audit
from gridstation.core.station.roles import CLERK, require
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction

MAX_NAME = 30


@dataclass
class ResidentInput:
    """What the form or an import row supplies; ``save_resident`` checks every field."""

    name: str
    doc_number: str
    doc_type: str = idcard.MAINLAND_ID
    phone: str = ""
    gender: str = ""
    birth_date: dt.date | None = None
    compound: str = ""
    building: str = ""
    unit: str = ""
    room: str = ""
    grid: str = ""  # code or unique name; only for an address no building of the register matches
    is_pensioner: bool = False
    notes: str = ""
    extra: dict = field(default_factory=dict)


def input_of(resident: m.Resident) -> ResidentInput:
    """A registered resident as the form would supply it again (gender and birth date only where the
    document does not give them), so a partial update can start from what is stored."""
    mainland = resident.doc_type == idcard.MAINLAND_ID
    return ResidentInput(
        name=resident.name, doc_number=resident.doc_number, doc_type=resident.doc_type, phone=resident.phone,
        gender="" if mainland else resident.gender, birth_date=None if mainland else resident.birth_date,
        compound=resident.compound, building=resident.building, unit=resident.unit, room=resident.room,
        grid=resident.grid.name if resident.grid_id else "", is_pensioner=resident.is_pensioner,
        notes=resident.notes)


def clean_input(data: ResidentInput) -> dict:
    """Validated column values for a resident; raises DomainError naming the first bad field."""
    name = clean_name(data.name, limit=MAX_NAME)
    gender, birth = data.gender, data.birth_date
    if data.doc_type == idcard.MAINLAND_ID:
        info = idcard.check_id(data.doc_number)
        doc_number, gender, birth = info.number, info.gender, info.birth_date
    else:
        doc_number = idcard.check_document(data.doc_type, data.doc_number)
        if gender not in ("", "男", "女"):
            raise DomainError("性别应为“男”或“女”。", field="gender")
    if birth is not None and birth > clock.today():
        raise DomainError("出生日期不能晚于今天。", field="birth_date")
    values = {
        "name": name,
        "doc_type": data.doc_type,
        "doc_number": doc_number,
        "doc_rev": doc_number[::-1],
        "gender": gender,
        "birth_date": birth,
        "phone": idcard.check_phone(data.phone),
        "compound": clean_text(data.compound, "小区", 60, field="compound"),
        "building": clean_text(data.building, "楼栋", 20, field="building"),
        "unit": clean_text(data.unit, "单元", 20, field="unit"),
        "room": clean_text(data.room, "室", 20, field="room"),
        "is_pensioner": bool(data.is_pensioner),
        "notes": clean_text(data.notes, "备注", 2000, lines=True, field="notes"),
    }
    values["phone_rev"] = values["phone"][::-1]
    values["address_key"] = address_key(values["compound"], values["building"])
    values["unit_key"] = unit_key(values["unit"])
    return values


def grid_choices() -> list[tuple[str, int]]:
    """The open grids as (label, id) in the one Chinese order, for lists and filters (``register.grid_choices``)."""
    return register.grid_choices()


def grid_for(data: ResidentInput, values: dict, current: m.Resident | None = None) -> int | None:
    """The resident's grid: the grid of their address where a building matches it, without anyone
    choosing; else the grid chosen in the form (its code or unique name), which must exist — the form
    chooses, it never creates. A resident kept in a grid since closed keeps it when saved again."""
    placed = places.grid_id_for_keys(values["address_key"], values["unit_key"])
    if placed is not None:
        return placed
    chosen = data.grid.strip()
    if not chosen:
        return None
    if current is not None and current.grid_id and chosen in (current.grid.name, current.grid.code):
        return current.grid_id
    return register.find_grid(chosen).id


def save_resident(actor: m.Staff | None, data: ResidentInput, resident_id: int | None = None) -> m.Resident:
    """Register a new resident or update one; one resident per document number."""
    require(actor, CLERK)
    values = clean_input(data)
    with write_transaction():
        clash = m.Resident.get_or_none(m.Resident.doc_number == values["doc_number"])
        if clash is not None and clash.id != resident_id:
            raise DomainError(
                f"证件号码 {idcard.mask_id(values['doc_number'])} 已登记为居民“{clash.name}”，请打开该居民档案。",
                field="doc_number",
            )
        values["grid"] = grid_for(data, values, None if resident_id is None else get_resident(resident_id))
        if resident_id is None:
            resident = m.Resident.create(**values)
            audit.record(actor, "新增居民", "resident", resident.id, after=_public(values))
        else:
            resident = get_resident(resident_id)
            before = _public(resident.__data__)
            for key, value in values.items():
                setattr(resident, key, value)
            resident.updated_at = clock.now()
            resident.save()
            audit.record(actor, "修改居民", "resident", resident.id, before=before, after=_public(values))
        write_keys(resident)
    return resident


def _public(values: dict) -> dict:
    """Audit payload with the ID number masked; the audit log is read by more people than the record."""
    # the status has its own entries (core/residents/status.py); the keys are derived from the address
    out = {k: v for k, v in values.items() if k not in ("doc_rev", "phone_rev", "grid", "address_key", "unit_key",
                                                       "status", "status_on", "moved_to")}
    if "doc_number" in out:
        out["doc_number"] = idcard.mask_id(str(out["doc_number"]))
    if "grid" in values:  # the grid the address placed them in (or the one chosen), read by name in the log
        out["grid_id"] = values["grid"]
    return out


def write_keys(resident: m.Resident) -> None:
    m.ResidentKey.delete().where(m.ResidentKey.resident == resident).execute()
    rows = [{"resident": resident.id, "key": k} for k in name_keys(resident.name)]
    if rows:
        m.ResidentKey.insert_many(rows).execute()


def get_resident(resident_id: int) -> m.Resident:
    resident = m.row_or_none(m.Resident, resident_id)
    if resident is None:
        raise NotFound(f"找不到编号为 {resident_id} 的居民。")
    return resident


def reveal_phone(actor: m.Staff | None, resident_id: int, *, why: dict, role: str = CLERK) -> str:
    """A resident's full phone number where lists show it masked; each look is in the audit log.

    ``role`` is who may look from that list (the overdue list: any clerk making reminder calls;
    the pension roster: the station head), ``why`` says from where, for the audit entry.
    """
    require(actor, role)
    with write_transaction():
        resident = get_resident(resident_id)
        audit.record(actor, "查看电话", "resident", resident.id, after=why)
    return resident.phone


def find_by_document(number: str) -> m.Resident | None:
    return m.Resident.get_or_none(m.Resident.doc_number == idcard.normalise(number))


def _prefix(column: peewee.Field, text: str) -> peewee.Expression:
    return (column >= text) & (column < prefix_end(text))


def search(text: str, limit: int = 50) -> list[m.Resident]:
    """One box: full ID or its last 4-6 digits, phone or its last 4, name, full pinyin or initials.

    Each branch is an indexed equality or prefix range, so it stays fast at 100 000 residents.
    """
    query = idcard.normalise(text)
    if not query:
        return []
    base = m.Resident.select()
    if re.fullmatch(r"\d{17}[\dX]", query):
        hits = base.where(m.Resident.doc_number == query)
    elif re.fullmatch(r"[0-9]+", query):
        conditions = _digit_conditions(query)
        if not conditions:
            return []
        hits = _union(base, conditions, limit)
    elif re.fullmatch(r"[A-Z]+", query):
        # Closest keys first, not the names' code points: ``xg`` lists 谢刚 (initials exactly xg) before
        # 于国睿 (xgr, from 于's second reading), however the characters are numbered.
        ranked = _by_key(query.lower(), limit)
        found = {r.id: r for r in base.where(m.Resident.id.in_(ranked))}
        return [found[i] for i in ranked if i in found]
    elif re.fullmatch(r"[A-Z\d]{5,30}", query):
        hits = base.where(m.Resident.doc_number == query)
    else:
        hits = base.where(_prefix(m.Resident.name, " ".join(text.split())))
    return list(hits.order_by(m.Resident.name, m.Resident.id).limit(limit))


def _digit_conditions(query: str) -> list[peewee.Expression]:
    """Digits typed in the box: a phone (a landline with or without its dash), the last 4-6 digits of
    an ID or phone, an ID's start."""
    conditions = []
    if len(query) == 11:
        conditions.append(m.Resident.phone == query)
    if 4 <= len(query) <= 6:
        conditions.append(_prefix(m.Resident.doc_rev, query[::-1]))
        conditions.append(_prefix(m.Resident.phone_rev, query[::-1]))
    if len(query) >= 6:
        conditions.append(_prefix(m.Resident.doc_number, query))
    if len(query) >= 7 and len(query) != 11:
        conditions.append(_prefix(m.Resident.phone, query))
    if len(query) >= 7 and query.startswith("0"):
        # A landline is stored with its dash (0871-65123999); the clerk types the digits.
        conditions.append(_prefix(m.Resident.phone, idcard.with_area_dash(query)))
    return conditions


def search_condition(text: str) -> peewee.Expression | None:
    """The search box as a condition to combine with another filter (the pension roster's):
    digits as in ``search``, letters as a pinyin or initials prefix, anything else as part of the
    name. None for an empty box. Meant for a list already narrowed down, where an OR is cheap."""
    query = idcard.normalise(text)
    if not query:
        return None
    if re.fullmatch(r"[0-9]+", query):
        conditions = _digit_conditions(query) or [m.Resident.doc_number == query]
        return functools.reduce(operator.or_, conditions)
    if re.fullmatch(r"[A-Z]+", query):
        keyed = m.ResidentKey.select(m.ResidentKey.resident).where(_prefix(m.ResidentKey.key, query.lower()))
        return m.Resident.id.in_(keyed)
    if re.fullmatch(r"\d{17}[\dX]", query):
        return m.Resident.doc_number == query
    return m.Resident.name.contains(" ".join(text.split()))


def _by_key(prefix: str, limit: int) -> list[int]:
    """The first ``limit`` residents in pinyin-key order, closest keys first, on every database.

    A plain DISTINCT ... LIMIT leaves the choice to the database when more residents match:
    SQLite walks the key index, PostgreSQL may hash and keep any 50. Reading the index in key
    order a page at a time keeps SQLite's choice and makes PostgreSQL's the same.
    """
    ids: dict[int, None] = {}
    page, offset = limit * 4, 0
    while len(ids) < limit:
        rows = [r for (r,) in m.ResidentKey.select(m.ResidentKey.resident)
                .where(_prefix(m.ResidentKey.key, prefix))
                .order_by(m.ResidentKey.key, m.ResidentKey.id).limit(page).offset(offset).tuples()]
        ids.update(dict.fromkeys(rows))
        if len(rows) < page:
            break
        offset += page
    return list(ids)[:limit]


def _union(base: peewee.ModelSelect, conditions: list, limit: int) -> peewee.ModelSelect:
    """Each condition as its own indexed query, combined by id (an OR would defeat the indexes)."""
    ids: list[int] = []
    for condition in conditions:
        ids.extend(r.id for r in m.Resident.select(m.Resident.id).where(condition).limit(limit))
    return base.where(m.Resident.id.in_(list(dict.fromkeys(ids))[:limit]))


# A part of an address already ending in its word (3栋, 3号楼, A座, 2单元, 301室) is shown as written; a bare
# number or letter (3, 2, 301) gets the word, so 3栋 is never shown as 3栋栋.
_ENDINGS = (("栋", ("栋", "幢", "楼", "座", "号", "区")), ("单元", ("单元", "门", "梯")), ("室", ("室", "号", "房", "户")))


def address(resident: m.Resident) -> str:
    """The address as a receipt, a card and a list show it: 阳光小区3栋2单元301室."""
    parts = [resident.compound]
    for written, (word, endings) in zip((resident.building, resident.unit, resident.room), _ENDINGS, strict=True):
        if written:
            parts.append(written if written.endswith(endings) else written + word)
    return "".join(p for p in parts if p)
