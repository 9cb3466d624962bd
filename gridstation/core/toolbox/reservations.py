"""Reservations and the availability they are checked against: what is free on each day, reserving,
cancelling, expiring."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from peewee import fn

from gridstation.core.intake.residents import get_resident
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.pinyin_keys import sort_key
from gridstation.core.station import audit
from gridstation.core.station.roles import CLERK, require
from gridstation.core.storage import models as m
from gridstation.core.storage.db import as_date, write_transaction
from gridstation.core.toolbox.tool_units import (
    MAX_RESERVATION_DAYS,
    RES_ACTIVE,
    RES_CANCELLED,
    RES_EXPIRED,
    USABLE_STATES,
    ReservedByOther,
    UnitNotAvailable,
    get_kind,
    open_item_condition,
)


@dataclass(frozen=True)
class DayCount:
    """Units of one kind on one day: usable in all, out on loan, held for reservations, and free."""

    day: dt.date
    total: int
    lent: int
    reserved: int

    @property
    def free(self) -> int:
        return max(0, self.total - self.lent - self.reserved)


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _daily_counts(kind_ids: Iterable[int], first: dt.date, last: dt.date, today: dt.date,
                  *, exclude_resident: int | None = None) -> dict[int, list[DayCount]]:
    """Per kind and day from ``first`` to ``last``: three small queries, then counting in Python.

    A unit out on loan counts as lent until its due date, and an overdue one until today: after
    that it is expected back, so reservations can be made on it.
    """
    ids = list(kind_ids)
    totals = dict(m.ToolUnit.select(m.ToolUnit.kind, fn.COUNT(m.ToolUnit.id))
                  .where(m.ToolUnit.kind.in_(ids) & m.ToolUnit.state.in_(USABLE_STATES))
                  .group_by(m.ToolUnit.kind).tuples())
    out_rows: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for kind_id, lent_at, due in (m.LoanItem.select(m.ToolUnit.kind, m.Loan.lent_at, m.Loan.due_date)
                                  .join(m.ToolUnit).switch(m.LoanItem).join(m.Loan)
                                  .where(open_item_condition() & m.ToolUnit.kind.in_(ids)).tuples()):
        out_rows[kind_id].append((as_date(lent_at), max(as_date(due), today)))
    held = (m.Reservation.select(m.Reservation.kind, m.Reservation.start_date, m.Reservation.end_date)
            .where(m.Reservation.kind.in_(ids) & (m.Reservation.status == RES_ACTIVE)
                   & (m.Reservation.start_date <= last) & (m.Reservation.end_date >= first)
                   & (m.Reservation.end_date >= today)))
    if exclude_resident is not None:
        held = held.where(m.Reservation.resident != exclude_resident)
    held_rows: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for kind_id, start, end in held.tuples():
        held_rows[kind_id].append((as_date(start), as_date(end)))
    return {
        kind_id: [DayCount(day, totals.get(kind_id, 0),
                           sum(1 for a, b in out_rows[kind_id] if a <= day <= b),
                           sum(1 for a, b in held_rows[kind_id] if a <= day <= b))
                  for day in _days(first, last)]
        for kind_id in ids
    }


def bookable_kinds() -> list[m.ToolKind]:
    """The kinds in use by name in the one Chinese order (``pinyin_keys.sort_key``), 扳手套装 before
    万用表: the 预约 page's grid and its choice of tool list them alike (the database's order is the
    characters' code points)."""
    return sorted(m.ToolKind.select().where(m.ToolKind.active), key=lambda kind: sort_key(kind.name))


def availability(start: dt.date | None = None, days: int = 14, *, kind_ids: Sequence[int] | None = None,
                 today: dt.date | None = None) -> dict[int, list[DayCount]]:
    """Per kind and day: units free, lent and reserved (the 预约 page's grid), in the order of
    ``kind_ids``, by default every kind in use in ``bookable_kinds`` order."""
    today = today or clock.today()
    start = start or today
    if kind_ids is None:
        kind_ids = [k.id for k in bookable_kinds()]
    return _daily_counts(kind_ids, start, start + dt.timedelta(days=max(1, days) - 1), today)


def check_reservations(needed: dict[m.ToolKind, int], first: dt.date, last: dt.date,
                        resident_id: int | None, today: dt.date) -> None:
    """Refuse if taking ``needed`` units out from ``first`` to ``last`` leaves a reservation short."""
    if last < first:
        return
    counts = _daily_counts([k.id for k in needed], first, last, today, exclude_resident=resident_id)
    for kind, n in needed.items():
        for day in counts[kind.id]:
            if day.total - day.lent - day.reserved < n:
                raise ReservedByOther(
                    f"“{kind.name}”在{day.day:%Y-%m-%d}已被其他居民预约（共 {day.total} 件，预约 {day.reserved} 件），"
                    f"借出会占用预约的工具。请把应还日期提前到{day.day - dt.timedelta(days=1):%Y-%m-%d}之前，或改借其他工具。")


def reserve(actor: m.Staff | None, resident_id: int, kind_id: int, start: dt.date, end: dt.date,
            *, today: dt.date | None = None) -> m.Reservation:
    """Hold one unit of a kind for a resident over a date range, if one is free every day of it."""
    require(actor, CLERK)
    today = today or clock.today()
    if start < today:
        raise DomainError("预约开始日期不能早于今天。", field="start_date")
    if end < start:
        raise DomainError("预约结束日期不能早于开始日期。", field="end_date")
    if (end - start).days >= MAX_RESERVATION_DAYS:
        raise DomainError(f"一次预约最长{MAX_RESERVATION_DAYS}天。", field="end_date")
    resident = get_resident(resident_id)
    with write_transaction():
        kind = get_kind(kind_id)
        if not kind.active:
            raise UnitNotAvailable(f"“{kind.name}”已停用，不能预约。")
        same = m.Reservation.select().where(
            (m.Reservation.resident == resident) & (m.Reservation.kind == kind)
            & (m.Reservation.status == RES_ACTIVE) & (m.Reservation.start_date <= end)
            & (m.Reservation.end_date >= start)).exists()
        if same:
            raise DomainError(f"居民{resident.name}在这段时间已预约了“{kind.name}”。")
        for day in _daily_counts([kind.id], start, end, today)[kind.id]:
            if day.free < 1:
                raise ReservedByOther(
                    f"“{kind.name}”在{day.day:%Y-%m-%d}没有空闲的可预约（共 {day.total} 件，借出 {day.lent} 件，"
                    f"已预约 {day.reserved} 件）。请换一个日期。")
        reservation = m.Reservation.create(kind=kind, resident=resident, start_date=start, end_date=end,
                                           status=RES_ACTIVE, staff=actor)
        audit.record(actor, "预约", "reservation", reservation.id,
                     after={"kind": kind.name, "resident": resident.id, "start": start, "end": end})
    return reservation


def cancel_reservation(actor: m.Staff | None, reservation_id: int) -> None:
    require(actor, CLERK)
    with write_transaction():
        changed = m.Reservation.update(status=RES_CANCELLED).where(
            (m.Reservation.id == reservation_id) & (m.Reservation.status == RES_ACTIVE)).execute()
        if changed != 1:
            raise DomainError("该预约已取用、取消或过期，不能再取消。")
        audit.record(actor, "取消预约", "reservation", reservation_id)


def expire_reservations(actor: m.Staff | None = None, *, today: dt.date | None = None) -> int:
    """Mark reservations whose period has passed uncollected as 已过期; returns how many.

    Availability already ignores them, so this only keeps the list honest; it is safe to run at
    every refresh.
    """
    require(actor, CLERK)
    today = today or clock.today()
    stale = m.Reservation.select().where((m.Reservation.status == RES_ACTIVE) & (m.Reservation.end_date < today))
    if not stale.exists():
        return 0
    with write_transaction():
        ids = [r.id for r in stale]
        m.Reservation.update(status=RES_EXPIRED).where(m.Reservation.id.in_(ids)).execute()
        audit.record(actor, "预约过期", "reservation", "", after={"ids": ids})
    return len(ids)


def reservation_rows(*, status: str = RES_ACTIVE, offset: int = 0, limit: int = 200) -> list[m.Reservation]:
    query = (m.Reservation.select(m.Reservation, m.ToolKind, m.Resident).join(m.ToolKind)
             .switch(m.Reservation).join(m.Resident))
    if status:
        query = query.where(m.Reservation.status == status)
    return list(query.order_by(m.Reservation.start_date, m.Reservation.id).offset(offset).limit(limit))
