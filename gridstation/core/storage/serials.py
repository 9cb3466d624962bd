"""Gap-free counters for readable numbers (受理编号, 借用单号, 资产编号).

One function owns the counting so every number in the station is made the same way: inside the
caller's write transaction, so two windows never get the same number and a rolled-back save gives
its number back.
"""

from __future__ import annotations

import datetime as dt

from gridstation.core.storage import models as m


def dated_number(number: str, prefix: str) -> tuple[dt.date, int] | None:
    """The (day, sequence) of a number made as prefix + YYYYMMDD + sequence (事件编号 SJ…, 借用单号 JY…);
    None when it is not one (a ledger may carry numbers from elsewhere, kept as they are)."""
    day_text, sequence = number[len(prefix):len(prefix) + 8], number[len(prefix) + 8:]
    if not number.startswith(prefix) or not (sequence.isascii() and sequence.isdigit()):
        return None
    try:
        return dt.datetime.strptime(day_text, "%Y%m%d").date(), int(sequence)
    except ValueError:
        return None


def next_number(scope: str) -> int:
    """The next number in ``scope`` (1, 2, 3, ...); call only inside a write transaction.

    The upsert takes the row lock on PostgreSQL and the database write lock on SQLite before the
    value is read back, so the read sees this transaction's own increment and nobody else's.
    """
    m.SerialCounter.insert(scope=scope, last=1).on_conflict(
        conflict_target=[m.SerialCounter.scope],
        update={m.SerialCounter.last: m.SerialCounter.last + 1},
    ).execute()
    return int(m.SerialCounter.select(m.SerialCounter.last).where(m.SerialCounter.scope == scope).scalar())
