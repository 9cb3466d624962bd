"""Registering a grid event (发现/登记), its people and photos, and reading one back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from gridstation.core.events import lists, rules
from gridstation.core.events.numbering import next_event_number
from gridstation.core.grids import people
from gridstation.core.intake.residents import get_resident
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.rules.free_text import NOTE_LIMIT, clean_text
from gridstation.core.rules.idcard import check_phone
from gridstation.core.rules.person_names import clean_name
from gridstation.core.station import audit
from gridstation.core.station.roles import CLERK, require
from gridstation.core.storage import models as m
from gridstation.core.storage import photos
from gridstation.core.storage.db import write_transaction

CLOCK_SLACK = dt.timedelta(minutes=5)  # PCs' clocks differ a little; an event is never found in the future
ADDRESS_MAX = 120  # EventParty.address


@dataclass
class PartyInput:
    """A person in an event: a resident from the register (``resident_id``) or someone typed in."""

    resident_id: int | None = None
    name: str = ""
    phone: str = ""
    doc_number: str = ""
    address: str = ""


@dataclass
class EventInput:
    category: str
    level: str
    description: str
    source: str
    grid_id: int | None = None
    place: str = ""
    finder_id: int | None = None  # 发现人, a person of the register; the registering account's person when not given
    assignee_id: int | None = None  # 经办人, a person of the register (the grid's 网格长 is suggested)
    partner: str = ""  # or a partner unit of the station's list as 经办 (a ledger's 经办人 column)
    found_at: dt.datetime | None = None  # now when not given
    reporter: PartyInput | None = None  # required when a resident reported it (回访 calls them back)
    involved: list[int] = field(default_factory=list)  # residents involved, from the register
    photos: list[str | Path] = field(default_factory=list)  # 处置前 pictures from the worker's phone
    number: str = ""  # a ledger's own 事件编号, kept on import (checked free by the importer); "" for the next


def party_row(data: PartyInput) -> dict[str, object]:
    """The stored fields of a person: a resident's own record, or the typed name and phone checked."""
    if data.resident_id is not None:
        r = get_resident(data.resident_id)
        address = "".join(x for x in (r.compound, r.building and f"{r.building}栋", r.unit and f"{r.unit}单元",
                                      r.room and f"{r.room}室") if x)
        # The register allows a longer address (four fields) than a party keeps; the resident's own record has it all.
        return {"resident": r.id, "name": r.name, "phone": r.phone, "doc_number": r.doc_number,
                "address": address[:ADDRESS_MAX]}
    name = clean_name(data.name, limit=60, label="当事人或反映人的姓名")
    phone = check_phone(data.phone)
    doc_number = clean_text(data.doc_number, "证件号码", 40, field="doc_number").upper()
    return {"resident": None, "name": name, "phone": phone, "doc_number": doc_number,
            "address": clean_text(data.address, "住址", ADDRESS_MAX, field="address")}


def person_or_none(person_id: int | None, field: str) -> m.Person | None:
    """A person of the register by id (None for none), refused in Chinese when there is no such person."""
    if person_id is None:
        return None
    person = m.row_or_none(m.Person, person_id)
    if person is None:
        raise DomainError("所选人员不在网格力量名册中，请重新选择。", field=field)
    return person


def register_event(actor: m.Staff | None, data: EventInput, *, at: dt.datetime | None = None) -> m.GridEvent:
    """发现/登记: the event gets its number, its time limit and its 登记 step in one transaction; ``at`` is
    when it is registered (now when not given), and when it was found unless ``data`` says."""
    require(actor, CLERK)
    category = lists.category(data.category)
    if not category.active:
        raise DomainError(f"事件类别“{category.name}”已停用。", field="category")
    if data.level not in rules.LEVELS:
        raise DomainError("事件等级只能是“一般”或“紧急”。", field="level")
    if data.source not in rules.SOURCES:
        raise DomainError(f"事件来源只能是：{'、'.join(rules.SOURCES)}。", field="source")
    description = clean_text(data.description, "发现的问题", NOTE_LIMIT, required=True, lines=True, field="description")
    place = clean_text(data.place, "地点", 200, field="place")
    now = at or clock.now()
    found_at = (data.found_at or now).replace(microsecond=0)
    if found_at > now + CLOCK_SLACK:
        raise DomainError("发现时间不能晚于现在。", field="found_at")
    grid = m.row_or_none(m.Grid, data.grid_id) if data.grid_id is not None else None
    if data.grid_id is not None and grid is None:
        raise NotFound("所选网格不存在，请重新选择。")
    finder = person_or_none(data.finder_id, "finder") if data.finder_id is not None else (
        people.person_of_staff(actor) if actor is not None else None)
    assignee = person_or_none(data.assignee_id, "assignee")
    if assignee is not None and data.partner.strip():
        raise DomainError("经办人和协作单位只能选一个。", field="assignee")
    if data.source == rules.RESIDENT_REPORT and data.reporter is None:
        raise DomainError("居民反映的事件请填写反映人，以便办结后回访。", field="reporter")
    reporter = party_row(data.reporter) if data.reporter is not None else None
    involved = [get_resident(rid) for rid in dict.fromkeys(data.involved)]
    pictures = [photos.read_photo(p) for p in data.photos]  # read before the write lock is taken
    with write_transaction():
        event = m.GridEvent.create(
            number=data.number or next_event_number(found_at.date()), category=category.name, level=data.level, grid=grid,
            place=place, description=description, source=data.source, finder=finder, assigned_to=assignee,
            partner=lists.partner_by_name(data.partner) if data.partner.strip() else None, found_at=found_at,
            registered_by=actor, registered_at=now,
            due_date=rules.due_date_for(found_at.date(), data.level, category), status=rules.REGISTERED)
        if reporter is not None:
            m.EventParty.create(event=event, role=rules.REPORTER, **reporter)
        for r in involved:
            m.EventParty.create(event=event, role=rules.INVOLVED, **party_row(PartyInput(resident_id=r.id)))
        for picture in pictures:
            m.EventPhoto.create(event=event, digest=photos.store_photo(picture), stage=rules.BEFORE, staff=actor)
        m.EventStep.create(event=event, at=found_at, staff=actor, action=rules.STEP_REGISTER,
                           note=f"{data.source}：{description[:60]}")
        audit.record(actor, "登记网格事件", "grid_event", event.number,
                     after={"category": category.name, "level": data.level, "source": data.source,
                            "grid": grid.name if grid else "", "due_date": event.due_date,
                            "finder": finder.name if finder else "", "assignee": assignee.name if assignee else ""})
    return get_event(event.number)


def get_event(number: str) -> m.GridEvent:
    event = m.GridEvent.get_or_none(m.GridEvent.number == (number or "").strip().upper())
    if event is None:
        raise NotFound(f"找不到编号为“{number}”的网格事件，请核对编号。")
    return event


def add_photo(actor: m.Staff | None, number: str, source: str | Path, stage: str, note: str = "") -> m.EventPhoto:
    """A photo before or after handling, copied into the photo store (``storage/photos.py``), with what the
    clerk wrote about it (it was dropped: the history said only 「处置后」)."""
    require(actor, CLERK)
    note = clean_text(note, "说明", NOTE_LIMIT, lines=True, field="note")
    if stage not in (rules.BEFORE, rules.AFTER):
        raise DomainError("照片应注明是处置前还是处置后。", field="stage")
    event = get_event(number)
    picture = photos.read_photo(source)
    with write_transaction():
        photo = m.EventPhoto.create(event=event, digest=photos.store_photo(picture), stage=stage, staff=actor)
        m.EventStep.create(event=event, staff=actor, action=rules.STEP_PHOTO, note="：".join(x for x in (stage, note) if x))
        audit.record(actor, "添加事件照片", "grid_event", event.number,
                     after={"stage": stage, "digest": photo.digest, "note": note})
    return photo


def photos_of(event: m.GridEvent) -> list[m.EventPhoto]:
    return list(m.EventPhoto.select().where(m.EventPhoto.event == event).order_by(m.EventPhoto.at, m.EventPhoto.id))


def parties_of(event: m.GridEvent, role: str | None = None) -> list[m.EventParty]:
    q = m.EventParty.select().where(m.EventParty.event == event)
    if role:
        q = q.where(m.EventParty.role == role)
    return list(q.order_by(m.EventParty.id))


def history(event: m.GridEvent) -> list[m.EventStep]:
    return list(m.EventStep.select().where(m.EventStep.event == event).order_by(m.EventStep.at, m.EventStep.id))
