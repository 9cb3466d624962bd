"""What every schema step's frozen table definitions share: the base class, the clock, and stand-ins.

A step defines its tables as that version created them, so later changes to ``core/models.py`` cannot
change what the step does to an older database; tables it only refers to are bare stand-ins with an id.
"""

from __future__ import annotations

import peewee as pw


class Frozen(pw.Model):
    class Meta:
        legacy_table_names = False


def stand_in(table: str) -> type[Frozen]:
    """A table a frozen one only refers to: its id is all a foreign key needs."""
    meta = type("Meta", (), {"table_name": table})
    return type(f"_{table.title()}StandIn", (Frozen,), {"Meta": meta, "__module__": __name__})


Staff, Grid, Resident, Intake, ServiceType, GridEvent = (
    stand_in(t) for t in ("staff", "grid", "resident", "intake", "service_type", "grid_event"))
