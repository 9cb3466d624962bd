"""What the 人民调解协议书 of a dispute says, read from the event (its print is recorded by core/station/printouts.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gridstation.core.events import rules
from gridstation.core.events.mediation import sessions_of
from gridstation.core.events.register import get_event, parties_of
from gridstation.core.rules.errors import DomainError


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
