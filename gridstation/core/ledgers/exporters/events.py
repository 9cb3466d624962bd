"""The grid events ledger export, oldest first (the order an import takes them in), with each reporter."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gridstation.core.events import queries as event_queries
from gridstation.core.events import rules as event_rules
from gridstation.core.ledgers import ledger_columns
from gridstation.core.ledgers.exporters.sheet import Col, cols, pages_of, phone_mask
from gridstation.core.storage import models as m


@dataclass(frozen=True)
class _EventRecord:
    event: m.GridEvent
    reporter: m.EventParty | None


# What --full-id (站长) shows unmasked.
FULL_SHOWS = "电话号码"


def columns(full: bool) -> list[Col]:
    """The event ledger; the reporter's phone is masked unless the full export (站长) is asked for."""
    phone = phone_mask(full)

    def handler(e: m.GridEvent) -> str:
        return e.assigned_to.name if e.assigned_to_id else (e.partner.name if e.partner_id else "")

    return cols(ledger_columns.EVENT_COLUMNS, {
        "number": lambda r: r.event.number, "found_at": lambda r: r.event.found_at,
        "category": lambda r: r.event.category, "level": lambda r: r.event.level, "source": lambda r: r.event.source,
        "grid": lambda r: r.event.grid.name if r.event.grid_id else "", "place": lambda r: r.event.place,
        "description": lambda r: r.event.description,
        "found_by": lambda r: r.event.finder.name if r.event.finder_id else "",
        "reporter": lambda r: r.reporter.name if r.reporter else "",
        "reporter_phone": lambda r: phone(r.reporter.phone) if r.reporter else "",
        "route": lambda r: r.event.route, "case_no": lambda r: r.event.platform_case_no,
        "reported_on": lambda r: r.event.reported_on, "assignee": lambda r: handler(r.event),
        "due_date": lambda r: r.event.due_date,
        "status": lambda r: r.event.status + ("（逾期）" if event_rules.is_overdue(r.event) else ""),
        "closed_at": lambda r: r.event.closed_at, "result": lambda r: r.event.result,
        "outcome": lambda r: r.event.mediation_outcome, "visit": lambda r: r.event.visit_view,
    })


def records(source: Any, _full: bool) -> Iterator[_EventRecord]:
    """The chosen events (a list's filter, or all of them), oldest first: the order an import takes them in;
    each page's reporters read in one query."""
    if source is None or isinstance(source, event_queries.EventFilter):
        source = event_queries.query_events(source or event_queries.EventFilter(which=event_queries.ALL))
    for page in pages_of(source, (m.GridEvent.found_at, m.GridEvent.id)):
        reporters = event_queries.reporters([e.id for e in page])
        yield from (_EventRecord(e, reporters.get(e.id)) for e in page)
