"""What the 人民调解协议书 of a dispute says, read from the event; and the print's audit entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gridstation.core.events import rules
from gridstation.core.events.mediation import sessions_of
from gridstation.core.events.register import get_event, parties_of
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import accounts, audit
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction


@dataclass(frozen=True)
class AgreementParty:
    name: str
    doc_number: str
    phone: str
    address: str


@dataclass(frozen=True)
class AgreementData:
    number: str
    category: str
    parties: list[AgreementParty]
    facts: str
    terms: str
    mediators: str
    place: str
    sessions: int
    agreed_on: dt.date


def agreement_data(number: str) -> AgreementData:
    """The agreement of a dispute mediated successfully; refused for any other event."""
    event = get_event(number)
    if event.mediation_outcome != rules.MEDIATION_SUCCESS:
        raise DomainError(f"事件 {event.number} 没有调解成功，没有调解协议书可打印。")
    sessions = sessions_of(event)
    last = sessions[-1]
    parties = [AgreementParty(p.name, p.doc_number, p.phone, p.address) for p in parties_of(event, rules.PARTY)]
    return AgreementData(event.number, event.category, parties, event.description, event.agreement_terms,
                         last.mediators, last.place, len(sessions), event.outcome_at.date())


def record_print(actor: m.Staff | None, number: str) -> None:
    """Every print of an agreement is in the audit log, as every other print is; a clerk may print it."""
    accounts.require(actor, accounts.CLERK)
    with write_transaction():
        audit.record(actor, "打印调解协议书", "grid_event", number)
