"""矛盾纠纷: the parties, the mediation sessions and the outcome of a dispute event.

A dispute has two or more parties (residents or outsiders); a session can only be recorded once
there are two; the outcome needs at least one session, the agreement's terms when it succeeded
(they print on the 人民调解协议书) and where the dispute was referred when it did not.
"""

from __future__ import annotations

import datetime as dt

from gridstation.core.events import rules
from gridstation.core.events.event_steps import EVENT
from gridstation.core.events.handling import Seen, checked_time, take
from gridstation.core.events.register import PartyInput, get_event, parties_of, party_row, person_or_none
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.free_text import NOTE_LIMIT, clean_text
from gridstation.core.station import audit, steps
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction

NOT_IN_LEDGER = "台账未记载"


def add_party(actor: m.Staff | None, number: str, person: PartyInput) -> m.EventParty:
    """A party (当事人) to the dispute; the same resident cannot be added twice."""
    event = get_event(number)
    steps.check(actor, EVENT, event, "party")
    row = party_row(person)
    present = parties_of(event, rules.PARTY)
    if any((row["resident"] and p.resident_id == row["resident"]) or
           (not row["resident"] and p.name == row["name"] and p.phone == row["phone"]) for p in present):
        raise DomainError(f"“{row['name']}”已是本纠纷的当事人。", field="name")
    with write_transaction():
        party = m.EventParty.create(event=event, role=rules.PARTY, **row)
        m.EventStep.create(event=event, staff=actor, action=rules.STEP_PARTY, note=f"当事人：{row['name']}")
        audit.record(actor, "添加当事人", "grid_event", event.number, after={"name": row["name"]})
    return party


def sessions_of(event: m.GridEvent) -> list[m.MediationSession]:
    return list(m.MediationSession.select().where(m.MediationSession.event == event)
                .order_by(m.MediationSession.at, m.MediationSession.id))


def record_session(actor: m.Staff | None, number: str, place: str, mediators: str, notes: str, *,
                   mediator_id: int | None = None, at: dt.datetime | None = None,
                   seen: Seen = None) -> m.MediationSession:
    """One mediation session: when, where, who mediated and what was said. ``mediator_id`` is the register's
    调解员 who led it; ``mediators`` the names as written (others who sat in), their name when left empty."""
    event = get_event(number)
    steps.check(actor, EVENT, event, "session")
    if len(parties_of(event, rules.PARTY)) < 2:
        raise DomainError("调解前请先登记双方当事人（至少两人）。", field="parties")
    notes = clean_text(notes, "调解情况", NOTE_LIMIT, required=True, lines=True, field="notes")
    place = clean_text(place, "调解地点", 100, field="place")
    mediator = person_or_none(mediator_id, "mediators")
    mediators = clean_text(mediators, "调解员", 100, field="mediators") or (mediator.name if mediator else "")
    at = checked_time(event, at)
    if at > clock.now() + dt.timedelta(minutes=5):
        raise DomainError("调解时间不能晚于现在。", field="at")
    with write_transaction():
        session = m.MediationSession.create(event=event, at=at, place=place, mediators=mediators, mediator=mediator,
                                            notes=notes, staff=actor)
        # Mediating is handling the event in the grid, unless it was reported up.
        route = {} if event.route else {"route": rules.IN_GRID, "routed_at": at}
        # the history names who mediated where (often a register 调解员 without a login), then what was said
        said = "　".join(x for x in (f"主持：{mediator.name}" if mediator else "", f"调解员：{mediators}" if mediators
                                    and not (mediator and mediators == mediator.name) else "",
                                    f"地点：{place}" if place else "") if x)
        take(actor, event, "session", (f"{said}　{notes}" if said else notes)[:200],
             {"status": rules.HANDLING, **route}, at, seen)
    return session


def record_outcome(actor: m.Staff | None, number: str, outcome: str, *, terms: str = "", referred_to: str = "",
                   at: dt.datetime | None = None, from_ledger: bool = False, seen: Seen = None) -> m.GridEvent:
    """调解成功 with the agreement's terms, or 调解不成 with where the dispute was referred.

    A dispute mediated before the station used the app, taken in from its ledger (``from_ledger``), has
    its outcome as the ledger records it: there are no recorded sessions to ask for, and a ledger that
    wrote no terms or referral says so rather than losing the outcome."""
    event = get_event(number)
    steps.check(actor, EVENT, event, "failed" if outcome == rules.MEDIATION_FAILED else "success")
    if from_ledger:
        terms, referred_to = terms.strip() or NOT_IN_LEDGER, referred_to.strip()[:80] or NOT_IN_LEDGER
    elif not sessions_of(event):
        raise DomainError("请先登记至少一次调解。", field="outcome")
    if outcome == rules.MEDIATION_SUCCESS:
        changes = {"mediation_outcome": outcome, "agreement_terms": clean_text(terms, "协议内容", NOTE_LIMIT, required=True, lines=True, field="terms"),
                   "referred_to": ""}
        note = f"{outcome}：{changes['agreement_terms'][:100]}"
    elif outcome == rules.MEDIATION_FAILED:
        changes = {"mediation_outcome": outcome, "agreement_terms": "",
                   "referred_to": clean_text(referred_to, "引导当事人去向（如法院、仲裁、派出所）", 80, required=True, field="referred_to")}
        note = f"{outcome}，引导至{changes['referred_to']}"
    else:
        raise DomainError("调解结果只能是“调解成功”或“调解不成”。", field="outcome")
    at = checked_time(event, at)
    code = "failed" if outcome == rules.MEDIATION_FAILED else "success"
    return take(actor, event, code, note, {**changes, "outcome_at": at, "status": rules.HANDLING}, at, seen)
