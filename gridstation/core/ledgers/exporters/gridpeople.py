"""The grid people ledger export (网格力量花名册): every role served in an open grid, ended ones too, in the
import's columns, so it imports back unchanged; phones and ID numbers masked unless the head asks."""

from __future__ import annotations

from collections import Counter
from typing import Any

from gridstation.core.grids import places, register
from gridstation.core.grids import rules as grid_rules
from gridstation.core.ledgers import ledger_columns
from gridstation.core.ledgers.exporters.sheet import Col, cols, id_mask, phone_mask, yes
from gridstation.core.storage import models as m

# What --full-id (站长) shows unmasked.
FULL_SHOWS = "电话号码和身份证号"


def columns(full: bool) -> list[Col]:
    show, phone = id_mask(full), phone_mask(full)
    shared = {name for name, n in Counter(g.name for g in m.Grid.select(m.Grid.name)
                                          .where(register.open_condition())).items() if n > 1}

    def grid(role: m.PersonRole) -> str:  # by name, with its code where another open grid has the name
        return register.grid_label(role.grid) if role.grid.name in shared else role.grid.name

    return cols(ledger_columns.GRID_PEOPLE_COLUMNS, {
        "name": lambda r: r.person.name, "role": lambda r: r.role, "grid": grid,
        "building": lambda r: places.building_label(r.building) if r.building_id else "",
        "unit": lambda r: places.unit_label(r.unit) if r.unit_id else "",
        "phone": lambda r: phone(r.person.phone) if r.person.phone else "",
        "phone_public": lambda r: yes(r.person.phone_public), "started_on": lambda r: r.started_on,
        "ended_on": lambda r: r.ended_on, "staff": lambda r: r.person.staff.username if r.person.staff_id else "",
        "doc_number": lambda r: show(r.person.resident.doc_number) if r.person.resident_id else "",
    })


def records(_source: Any, _full: bool) -> list[m.PersonRole]:
    """Roles of open grids by grid code, then the notice board's order of roles, person and start."""
    order = {name: i for i, name in enumerate(grid_rules.ROLES)}
    roles = (m.PersonRole.select(m.PersonRole, m.Person, m.Grid).join(m.Person)
             .switch(m.PersonRole).join(m.Grid).where(register.open_condition()))
    return sorted(roles, key=lambda r: (r.grid.code or "", r.building_id or 0, r.unit_id or 0,
                                        order.get(r.role, len(order)), r.role, r.person.name, r.started_on, r.id))
