"""The residents ledger export, in the import's columns (masked ID and phone unless the head asks)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import peewee

from gridstation.core.ledgers import ledger_columns
from gridstation.core.ledgers.exporters.sheet import Col, cols, counted, id_mask, phone_mask, yes
from gridstation.core.storage import models as m

# What --full-id (站长) shows unmasked.
FULL_SHOWS = "身份证号和电话号码"


def columns(full: bool) -> list[Col]:
    show, phone = id_mask(full), phone_mask(full)
    return cols(ledger_columns.RESIDENT_COLUMNS, {
        "name": lambda r: r.name, "doc_number": lambda r: show(r.doc_number), "doc_type": lambda r: r.doc_type,
        "gender": lambda r: r.gender, "birth_date": lambda r: r.birth_date, "phone": lambda r: phone(r.phone),
        "compound": lambda r: r.compound, "building": lambda r: r.building, "unit": lambda r: r.unit,
        "room": lambda r: r.room, "grid": lambda r: r.grid.name if r.grid_id else "",
        "is_pensioner": lambda r: yes(r.is_pensioner), "status": lambda r: r.status, "status_on": lambda r: r.status_on,
        "moved_to": lambda r: r.moved_to, "notes": lambda r: r.notes,
    })


def records(source: Any, _full: bool) -> Iterable[m.Resident]:
    if source is None:
        source = (m.Resident.select(m.Resident, m.Grid).join(m.Grid, peewee.JOIN.LEFT_OUTER)
                  .order_by(m.Resident.id))
    return counted(source)
