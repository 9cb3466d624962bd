"""When an intake row without 受理编号 is one already stored: importing the same ledger twice adds nothing.

A row with its 受理编号 is recognised by the number (``ledger_import``). Many stations' ledgers have
none, and one resident may well bring two genuine claims on one day (a 失业证 年检 in the morning and a
讨薪 in the afternoon, or two 讨薪 against two employers). So a row is a repeat only when a stored intake
equals it in every field the ledger carries: the resident, the service, the action, the time received,
the status, the time closed, the staff, the result, where it was forwarded, the documents, the notes and
every service field. Each stored intake answers for one row only, and intakes written by this same
import are not candidates, so a file holding two identical rows (two claims written alike) imports both
the first time and skips both the second.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from gridstation.core.storage import models as m


@dataclass
class RepeatFinder:
    """Stored intakes already matched to a row of this import, and intakes this import wrote.

    The row is written first, by the same services as any other row, and its stored form compared:
    what "equal in every field" means is then what the import would store, with no second copy of
    the rules that turn a row into an intake. A repeat's savepoint is rolled back by the caller.
    """

    notes_of: Callable[[list[int]], dict[int, str]]
    matched: set[int] = field(default_factory=set)
    written: set[int] = field(default_factory=set)

    def repeated(self, new: m.Intake) -> m.Intake | None:
        """The stored intake that ``new`` (just written from a row) repeats, or None (then it is kept)."""
        new = m.Intake.get_by_id(new.id)
        taken = self.matched | self.written | {new.id}
        candidates = [i for i in m.Intake.select().where(
            (m.Intake.resident == new.resident_id) & (m.Intake.service == new.service_id)
            & (m.Intake.received_at == new.received_at)).order_by(m.Intake.id) if i.id not in taken]
        notes = self.notes_of([new.id, *(i.id for i in candidates)])
        wanted = _facts(new, notes)
        for intake in candidates:
            if _facts(intake, notes) == wanted:
                self.matched.add(intake.id)
                return intake
        self.written.add(new.id)
        return None


def _facts(intake: m.Intake, notes: dict[int, str]) -> tuple:
    """Every field a ledger row carries, as stored."""
    return (intake.resident_id, intake.service_id, intake.action, intake.received_at, intake.status,
            intake.completed_at, intake.staff_id, intake.result, intake.forwarded_to, intake.documents,
            notes.get(intake.id, ""), json.loads(intake.details or "{}"))
