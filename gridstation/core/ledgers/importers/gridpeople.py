"""The grid people ledger (网格力量花名册): one row a person in a role, one sheet a grid if the station wishes.

A person is one record however many rows name them: found by the staff account or the resident the
row links, else by name and phone; one the station lacks is made through ``people.add_person`` and
listed in the dry run, as is a grid it lacks. Each role goes through ``people.assign_role`` (and
``end_role`` when the row gives an end), so it is checked and audited as one entered by hand; a role
already recorded (same person, role, place and start) is left as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gridstation.core.grids import board, people
from gridstation.core.grids import rules as grid_rules
from gridstation.core.intake import residents
from gridstation.core.ledgers.importers.created import PEOPLE, ROLES
from gridstation.core.ledgers.importers.rows import Importer, RowView
from gridstation.core.rules import idcard
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.person_names import clean_name
from gridstation.core.station.roles import HEAD, require
from gridstation.core.storage import models as m

FIELDS = {"name": "name", "phone": "phone", "role": "role", "grid": "grid", "building": "building", "unit": "unit",
          "staff": "staff", "ended_on": "ended_on", "started_on": "started_on"}


@dataclass
class PersonRow:
    row: int
    name: str
    role: str
    grid: str
    building: str
    unit: str
    phone: str
    phone_public: bool
    started_on: dt.date | None
    ended_on: dt.date | None
    staff: str
    doc_number: str


class GridPeopleImporter(Importer):
    def convert(self, row: RowView) -> PersonRow | None:
        item = PersonRow(row.number, row.text("name"), row.text("role"), row.text("grid"), row.text("building"),
                         row.text("unit"), row.phone("phone"), row.flag("phone_public"), row.date("started_on"),
                         row.date("ended_on"), row.text("staff"), row.id_number("doc_number"))
        row.check_required()
        if item.unit and not item.building:
            row.fail("building", "填写单元时请填写它所在的楼栋。")
        if item.started_on and item.ended_on and item.ended_on < item.started_on:
            row.fail("ended_on", "结束日期早于起始日期。")
        return None if row.problems else item

    def write(self, items: list[PersonRow]) -> None:
        require(self.job.actor, HEAD)  # the register's people are the head's to enter
        logins = list(m.Staff.select())
        self.staff = {s.display_name: s for s in logins} | {s.username: s for s in logins}
        self.job.each_in_savepoint(items, self._write, lambda i: [i.row], lambda _i: FIELDS)

    def _write(self, item: PersonRow) -> None:
        grid = self.job.grid(item.grid)
        building = board.find_building(grid, item.building) if item.building else None
        unit = board.find_unit(building, item.unit) if building and item.unit else None
        person, made = self._person(item)
        held = m.PersonRole.select().where(
            (m.PersonRole.person == person) & (m.PersonRole.role == item.role.strip()) & (m.PersonRole.grid == grid)
            & (m.PersonRole.building.is_null() if building is None else m.PersonRole.building == building)
            & (m.PersonRole.unit.is_null() if unit is None else m.PersonRole.unit == unit))
        held = held.where(m.PersonRole.started_on == item.started_on) if item.started_on else held.where(
            m.PersonRole.ended_on.is_null())
        if held.exists():
            self.job.report.existing += 1
            return
        said = item.role.strip()
        if said not in grid_rules.ROLES and not m.PersonRole.select().where(m.PersonRole.role == said).exists():
            self.job.made(ROLES, said, said)
        role = people.assign_role(self.job.actor, person.id, people.RoleInput(
            item.role, grid.code, building.id if building else None, unit.id if unit else None, item.started_on))
        if item.ended_on:
            people.end_role(self.job.actor, role.id, on=item.ended_on)
        self.job.report.created += 1
        if made:
            self.job.made(PEOPLE, person.id, person.name)

    def _person(self, item: PersonRow) -> tuple[m.Person, bool]:
        """The person the row names: by the linked account, the linked resident, or name and phone; made when
        the register has none (linked as the row says)."""
        staff = self.staff.get(item.staff) if item.staff else None
        if item.staff and staff is None:
            raise DomainError(f"没有登录名或姓名为“{item.staff}”的工作人员账号：请先在 设置 → 人员与密码 新增该账号，"
                              "或清空本格（人员照样登记，以后再关联）。", field="staff")
        if item.doc_number and len(item.doc_number) == 18:
            idcard.check_id(item.doc_number)  # a wrong check digit is said as such, not as a resident to register
        resident = residents.find_by_document(item.doc_number) if item.doc_number else None
        if item.doc_number and resident is None:
            raise DomainError(f"证件号码 {idcard.mask_id(item.doc_number)} 的居民尚未登记，请先导入居民台账或新增居民。",
                              field="doc_number")
        found = (staff and m.Person.get_or_none(m.Person.staff == staff)) or \
            (resident and m.Person.get_or_none(m.Person.resident == resident))
        if not found:
            same = m.Person.select().where((m.Person.name == clean_name(item.name, limit=people.NAME_LIMIT))
                                           & (m.Person.phone == idcard.check_phone(item.phone)))
            found = same.order_by(m.Person.id).first()
        if found:
            return found, False
        return people.add_person(self.job.actor, people.PersonInput(
            item.name, item.phone, item.phone_public, staff_id=staff.id if staff else None,
            resident_id=resident.id if resident else None)), True
