"""The grid's people (网格力量): people with or without a login, the roles they serve in, and who serves a grid now.

A person is one record however many roles they hold, linked to a staff account or a resident where they
are the same human. A role serves a grid, a building or a unit from a day to a day; ending it keeps it,
so a notice board or a figure of a past month still knows who served then. The phone is the one the
person gives for the role; it is printed for the public only where they agreed (the day is kept).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import peewee

from gridstation.core.grids import places, register, rules
from gridstation.core.residents.status import is_present
from gridstation.core.rules import clock, idcard
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.rules.free_text import clean_text
from gridstation.core.rules.person_names import clean_name
from gridstation.core.station import audit
from gridstation.core.station.roles import CLERK, HEAD, require
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction

NAME_LIMIT = 30


@dataclass
class PersonInput:
    """A person as the register page or a ledger row gives them. ``staff_id`` links a login account,
    ``resident_id`` the resident they are; ``phone_public`` is their consent to print the phone."""

    name: str
    phone: str = ""
    phone_public: bool = False
    phone_public_on: dt.date | None = None
    staff_id: int | None = None
    resident_id: int | None = None
    note: str = ""


@dataclass
class RoleInput:
    """A role to serve: a grid (code or unique name), a building (id) or a unit (id) — at least one."""

    role: str
    grid: str = ""
    building_id: int | None = None
    unit_id: int | None = None
    started_on: dt.date | None = None


def get_person(person_id: int) -> m.Person:
    person = m.row_or_none(m.Person, person_id)
    if person is None:
        raise NotFound(f"找不到编号为 {person_id} 的人员。")
    return person


def people_named(actor: m.Staff | None, names: Sequence[str], *,
                 at: dt.datetime | None = None) -> tuple[dict[str, m.Person], list[str]]:
    """The register's people by the names a ledger writes, and the names a person was made for: a person of
    that name (the first registered where two share it), else the person of an account shown or signed in
    by that name, else a person made with the name alone (no role: the head places them), audited. Inside
    the caller's write; a clerk's work, as importing a ledger is."""
    require(actor, CLERK)
    wanted = [n for n in dict.fromkeys(x.strip() for x in names) if n]
    found: dict[str, m.Person] = {}
    made: list[str] = []
    for person in m.Person.select().where(m.Person.name.in_(wanted)).order_by(m.Person.id.desc()):
        found[person.name] = person
    for name in (n for n in wanted if n not in found):
        account = m.Staff.get_or_none((m.Staff.display_name == name) | (m.Staff.username == name))
        person = person_of_staff(account) if account is not None else None
        if person is None:
            person = m.Person.create(**_values(PersonInput(name=name, staff_id=account.id if account else None),
                                               None, (at or clock.now()).date()))
            audit.record(actor, "登记网格力量", "person", person.id, after=_audit_view(person))
            made.append(name)
        found[name] = person
    return found, made


def person_of_staff(staff: m.Staff) -> m.Person | None:
    """The person a login account is, where the register links one."""
    return m.Person.get_or_none(m.Person.staff == staff)


def _values(data: PersonInput, person_id: int | None, on: dt.date) -> dict:
    name = clean_name(data.name, limit=NAME_LIMIT)
    phone = idcard.check_phone(data.phone)
    if data.phone_public and not phone:
        raise DomainError("同意公示电话时请填写电话。", field="phone")
    if data.staff_id is not None:
        if m.row_or_none(m.Staff, data.staff_id) is None:
            raise NotFound(f"找不到编号为 {data.staff_id} 的登录账号。")
        other = m.Person.get_or_none((m.Person.staff == data.staff_id) & (m.Person.id != (person_id or 0)))
        if other is not None:
            raise DomainError(f"该登录账号已关联人员“{other.name}”。", field="staff")
    if data.resident_id is not None and m.row_or_none(m.Resident, data.resident_id) is None:
        raise NotFound(f"找不到编号为 {data.resident_id} 的居民。")
    consent_on = (data.phone_public_on or on) if data.phone_public else None
    return {"name": name, "phone": phone, "phone_public": bool(data.phone_public), "phone_public_on": consent_on,
            "staff": data.staff_id, "resident": data.resident_id,
            "note": clean_text(data.note, "备注", 500, lines=True, field="note")}


def _audit_view(person: m.Person) -> dict:
    """The phone masked: the audit log is read by more people than the register."""
    return {"name": person.name, "phone": idcard.mask_phone(person.phone) if person.phone else "",
            "phone_public": person.phone_public, "phone_public_on": person.phone_public_on,
            "staff": person.staff.display_name if person.staff_id else "", "note": person.note}


def add_person(actor: m.Staff | None, data: PersonInput, *, at: dt.datetime | None = None) -> m.Person:
    """A person of the register (the head's work); they need no login."""
    require(actor, HEAD)
    with write_transaction():
        person = m.Person.create(**_values(data, None, (at or clock.now()).date()))
        audit.record(actor, "登记网格力量", "person", person.id, after=_audit_view(person))
    return person


def edit_person(actor: m.Staff | None, person_id: int, data: PersonInput, *,
                at: dt.datetime | None = None) -> m.Person:
    """Change a person's name, phone, consent, links or note; a consent given earlier keeps its day."""
    require(actor, HEAD)
    with write_transaction():
        person = get_person(person_id)
        if data.phone_public and person.phone_public and data.phone_public_on is None:
            data = PersonInput(**{**data.__dict__, "phone_public_on": person.phone_public_on})
        before = _audit_view(person)
        m.Person.update(**_values(data, person.id, (at or clock.now()).date())).where(m.Person.id == person.id).execute()
        person = get_person(person.id)
        audit.record(actor, "修改网格力量", "person", person.id, before=before, after=_audit_view(person))
    return person


def _place_of(data: RoleInput) -> dict:
    """The grid, building and unit a role serves; a building's or unit's grid is filled in from it."""
    unit = m.row_or_none(m.Unit, data.unit_id) if data.unit_id is not None else None
    if data.unit_id is not None and unit is None:
        raise NotFound(f"找不到编号为 {data.unit_id} 的单元。")
    building = unit.building if unit else (places.get_building(data.building_id) if data.building_id else None)
    grid = register.find_grid(data.grid) if data.grid.strip() else None
    if grid is None:
        grid = (unit.grid if unit and unit.grid_id else None) or (building.grid if building else None)
    if grid is None:
        raise DomainError("请选择该岗位服务的网格、楼栋或单元。", field="grid")
    if grid.closed_on is not None:
        raise DomainError(f"网格“{grid.name}”已撤销，不能再安排岗位。", field="grid")
    return {"grid": grid, "building": building, "unit": unit}


def _role_view(role: m.PersonRole) -> dict:
    """A role as its audit entry keeps it: the grid, and the place within it (阳光小区3号楼1单元) apart."""
    place = places.building_label(role.building) if role.building_id else ""
    if role.unit_id:
        place += places.unit_label(role.unit)
    return {"person": role.person.name, "role": role.role, "grid": role.grid.name if role.grid_id else "",
            **({"serves": place} if place else {}), "started_on": role.started_on, "ended_on": role.ended_on}


def assign_role(actor: m.Staff | None, person_id: int, data: RoleInput, *,
                at: dt.datetime | None = None) -> m.PersonRole:
    """The person serves a grid, building or unit in a role from a day (today when not given)."""
    require(actor, HEAD)
    with write_transaction():
        person = get_person(person_id)
        role_name = rules.check_role(data.role)
        where = _place_of(data)
        started = data.started_on or (at or clock.now()).date()
        if person.resident_id and not is_present(person.resident, started):  # a board must not name the dead
            raise DomainError(f"“{person.name}”已于 {person.resident.status_on:%Y-%m-%d} 登记{person.resident.status}，"
                              "不能安排岗位。", field="person")
        same = current_roles().where((m.PersonRole.person == person) & (m.PersonRole.role == role_name)
                                     & (m.PersonRole.grid == where["grid"]))
        if same.where(_same_place(where)).exists():
            raise DomainError(f"“{person.name}”已是该处的{role_name}。", field="role")
        role = m.PersonRole.create(person=person, role=role_name, started_on=started, **where)
        audit.record(actor, "安排岗位", "person", person.id, after=_role_view(role))
    return role


def _same_place(where: dict) -> peewee.Expression:
    building, unit = where["building"], where["unit"]
    return ((m.PersonRole.building.is_null() if building is None else m.PersonRole.building == building)
            & (m.PersonRole.unit.is_null() if unit is None else m.PersonRole.unit == unit))


def end_role(actor: m.Staff | None, role_id: int, *, on: dt.date | None = None,
             at: dt.datetime | None = None) -> m.PersonRole:
    """The role ends on a day (today when not given); it is kept for what it served before."""
    require(actor, HEAD)
    day = on or (at or clock.now()).date()
    with write_transaction():
        role = m.row_or_none(m.PersonRole, role_id)
        if role is None:
            raise NotFound(f"找不到编号为 {role_id} 的岗位。")
        if role.ended_on is not None:
            raise DomainError(f"该岗位已于 {role.ended_on:%Y-%m-%d} 结束。")
        if day < role.started_on:
            raise DomainError(f"结束日期不能早于开始日期 {role.started_on:%Y-%m-%d}。", field="ended_on")
        before = _role_view(role)
        m.PersonRole.update(ended_on=day).where(m.PersonRole.id == role.id).execute()
        audit.record(actor, "结束岗位", "person", role.person_id, before=before,
                     after=_role_view(m.PersonRole.get_by_id(role.id)))
    return m.PersonRole.get_by_id(role.id)


def current_roles(on: dt.date | None = None) -> peewee.ModelSelect:
    """Roles held on ``on`` (today when not given): started by then, not ended."""
    day = on or clock.today()
    return m.PersonRole.select().where((m.PersonRole.started_on <= day)
                                       & (m.PersonRole.ended_on.is_null() | (m.PersonRole.ended_on > day)))


def people_of(grid: m.Grid, on: dt.date | None = None, *,
              roles: Sequence[str] = ()) -> list[tuple[m.Person, m.PersonRole]]:
    """Who serves the grid now (its own buildings' and units' people included), in the order of ROLES;
    ``roles`` keeps only those (the intake page's 网格员: ``rules.GRID_ROLES``)."""
    rows = (current_roles(on).select(m.PersonRole, m.Person).join(m.Person)
            .where(m.PersonRole.grid == grid))
    if roles:
        rows = rows.where(m.PersonRole.role.in_(list(roles)))
    order = {name: i for i, name in enumerate(rules.ROLES)}
    return sorted(((role.person, role) for role in rows),
                  key=lambda pair: (order.get(pair[1].role, len(order)), pair[1].role, pair[0].name, pair[1].id))


def grid_head_of(grid: m.Grid, on: dt.date | None = None) -> m.Person | None:
    """The grid's 网格长 now, or the 网格长 of the grid above it (a micro-grid's head is often its parent's)."""
    current: m.Grid | None = grid
    seen: set[int] = set()
    while current is not None and current.id not in seen:
        seen.add(current.id)
        head = (current_roles(on).where((m.PersonRole.grid == current) & (m.PersonRole.role == rules.GRID_HEAD)
                                        & m.PersonRole.building.is_null())
                .order_by(m.PersonRole.started_on.desc(), m.PersonRole.id.desc()).first())
        if head is not None:
            return head.person
        current = current.parent if current.parent_id else None
    return None


def workers_of(grid: m.Grid, on: dt.date | None = None) -> list[tuple[m.Person, m.PersonRole]]:
    """The grid's 网格员 (专职 before 兼职); a grid without its own — a micro-grid kept by its 楼院长 — is
    served by the 网格员 of the nearest grid above, as seed 001's 四级 grid workers serve its 五级 grids."""
    current: m.Grid | None = grid
    seen: set[int] = set()
    while current is not None and current.id not in seen:
        seen.add(current.id)
        found = people_of(current, on, roles=rules.WORKER_ROLES)
        if found:
            return found
        current = current.parent if current.parent_id else None
    return []


def move_grid_roles(actor: m.Staff | None, source: m.Person, successor: m.Person, day: dt.date) -> int:
    """Inside a handover's write: each grid role ``source`` holds ends on ``day`` and ``successor`` takes
    it up that day (a role the successor already holds there is not doubled). Returns how many moved."""
    held = list(current_roles(day).where((m.PersonRole.person == source) & m.PersonRole.role.in_(rules.GRID_ROLES)))
    for role in held:
        m.PersonRole.update(ended_on=day).where(m.PersonRole.id == role.id).execute()
        where = {"grid": role.grid_id, "building": role.building_id, "unit": role.unit_id}
        taken = current_roles(day).where((m.PersonRole.person == successor) & (m.PersonRole.role == role.role)
                                         & (m.PersonRole.grid == role.grid_id)).exists()
        if not taken:
            m.PersonRole.create(person=successor, role=role.role, started_on=day, **where)
    return len(held)
