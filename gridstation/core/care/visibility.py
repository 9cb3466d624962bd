"""Who sees which class of tags: a setting of each class (``care_visibility``), never a consequence of rank.

By default the care class is seen by the station's staff (窗口人员 and 站长), the supervision class by the
head and by the resident's own grid worker — the register person linked to the account, serving the
resident's grid now, or a grid above it (micro-grids: ``grid_tree``) — and the administrator, who keeps the
PCs running, sees neither. The command line (no account) is the site's administrator. Every service that returns tags filters through ``Sight``; every
view of a list holding a sensitive tag (health, disability, supervision) or a child under 14 is audited
(PIPL art. 28), naming how many rows were seen, never the tags or the residents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee

from gridstation.core.care import grid_tree
from gridstation.core.grids import people
from gridstation.core.grids import rules as grid_rules
from gridstation.core.station import audit, roles
from gridstation.core.station.roles import ADMIN, CLERK, HEAD
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.core.storage.db import write_transaction

WORKER = "worker"  # the resident's own grid worker
AUDIENCES = {CLERK: "窗口人员", HEAD: "站长", ADMIN: "管理员", WORKER: "本网格网格员"}
CHILD_AGE = 14  # anything about a child under 14 is sensitive (PIPL art. 28)


@dataclass(frozen=True)
class Sight:
    """What an account may see: classes seen for every resident, and classes seen only for residents of the
    grids it serves as their grid worker."""

    classes: frozenset[str]
    worker_classes: frozenset[str]
    grids: frozenset[int]

    def sees(self, klass: str, grid_id: int | None) -> bool:
        return klass in self.classes or (klass in self.worker_classes and grid_id in self.grids)

    def condition(self) -> peewee.Expression:
        """The same rule in SQL, over ``CareTag`` joined with ``Resident``."""
        seen = m.CareTag.klass.in_(sorted(self.classes))
        if self.worker_classes and self.grids:
            seen |= m.CareTag.klass.in_(sorted(self.worker_classes)) & m.Resident.grid.in_(sorted(self.grids))
        return seen

    def any_class(self) -> frozenset[str]:
        """The classes this account may meet at all (a tag list to choose from)."""
        return self.classes | (self.worker_classes if self.grids else frozenset())


def audiences() -> dict[str, list[str]]:
    """The setting: each class and who sees it."""
    return dict(settings.get("care_visibility"))


def sight_of(actor: m.Staff | None, on: dt.date) -> Sight:
    """The account's sight as it stands now (its role read afresh, as ``roles.require`` does)."""
    account = roles.current(actor) if actor is not None else None
    role = ADMIN if actor is None else (account.role if account is not None and account.active else "")
    setting = audiences()
    classes = frozenset(klass for klass, who in setting.items() if role in who)
    worker_classes = frozenset(klass for klass, who in setting.items() if WORKER in who) - classes
    grids: frozenset[int] = frozenset()
    if worker_classes and account is not None and account.active:
        person = people.person_of_staff(account)
        if person is not None:
            held = people.current_roles(on).where((m.PersonRole.person == person)
                                                  & m.PersonRole.role.in_(grid_rules.WORKER_ROLES)
                                                  & m.PersonRole.grid.is_null(False))
            grids = grid_tree.with_sub_grids({role.grid_id for role in held}, grid_tree.grid_parents())
    return Sight(classes, worker_classes, grids)


def is_child(birth_date: dt.date | None, on: dt.date) -> bool:
    if birth_date is None:
        return False
    years = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return years < CHILD_AGE


def record_view(actor: m.Staff | None, what: str, rows: int) -> None:
    """Audit a view of a sensitive list: who, which list, how many rows (no names, no tags)."""
    with write_transaction():
        audit.record(actor, "查看关爱对象", "care_view", what, after={"rows": rows})
