"""The intake workflow: serial numbers, statuses, due dates and the overdue rule."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import peewee

from gridstation.core.intake.material_rules import MISSING_OVERDUE, documents_outstanding, missing_overdue_condition
from gridstation.core.intake.residents import get_resident, search_condition
from gridstation.core.residents.status import died_by, present_condition
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.rules.free_text import NOTE_LIMIT, clean_text
from gridstation.core.rules.idcard import age_on
from gridstation.core.rules.pinyin_keys import sort_key
from gridstation.core.station import audit, catalog, steps
from gridstation.core.station.roles import CLERK, require
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.core.storage.db import write_transaction
from gridstation.core.storage.serials import next_number

RECEIVED, IN_PROGRESS, COMPLETED, RETURNED, FORWARDED = "受理", "办理中", "办结", "退回", "转办"
# 一次性告知 issued: not yet accepted and no promised date running until the documents come
# (core/intake/material_rules.py, material_check.py); then 受理 with its due date counted from that day.
PENDING_DOCS = "待补正"
STATUSES = (RECEIVED, IN_PROGRESS, COMPLETED, RETURNED, FORWARDED, PENDING_DOCS)
OPEN_STATUSES = (RECEIVED, IN_PROGRESS)
OVERDUE = "逾期"


def _wrong_state(intake: m.Intake, state: str, step: steps.Step) -> str:
    if state not in TRANSITIONS:
        return f"受理 {intake.serial} 已{state}，不能再改为“{step.to_state}”。"
    return f"受理 {intake.serial} 当前为“{state}”，不能改为“{step.to_state}”。"


def _history(intake: m.Intake, _step: steps.Step, before: str, after: str, note: str, at: dt.datetime,
             actor: m.Staff | None) -> None:
    m.IntakeEvent.create(intake=intake, at=at, staff=actor, from_status=before, to_status=after, note=note)


# One step per status an intake can be moved to (``change_status`` finds it by the status); 受理 from
# 待补正 comes with the documents (core/intake/material_check.py: supply_missing).
INTAKE = steps.Kind(
    entity="intake", model=m.Intake, states=STATUSES,
    steps=(
        steps.Step("accept", "正式受理", (PENDING_DOCS,), RECEIVED, fields=("note",), text="note"),
        steps.Step("start", "开始办理", (RECEIVED,), IN_PROGRESS, fields=("note",), text="note"),
        steps.Step("complete", COMPLETED, OPEN_STATUSES, COMPLETED, fields=("result", "note"), required=("result",),
                   text="result"),
        steps.Step("return", RETURNED, (PENDING_DOCS, *OPEN_STATUSES), RETURNED, fields=("reason",),
                   required=("reason",), text="reason"),
        steps.Step("forward", FORWARDED, OPEN_STATUSES, FORWARDED, fields=("forwarded_to", "note"),
                   required=("forwarded_to",), text="note"),
    ),
    state_of=lambda i: i.status, key=lambda i: i.serial, title=lambda i: f"受理 {i.serial}",
    version=(m.Intake.status, m.Intake.updated_at), stamp=m.Intake.updated_at, state_column=m.Intake.status,
    wrong_state=_wrong_state,
    write_history=_history,
)
# The statuses each status may move to, from the table (the intake detail's list of next statuses).
TRANSITIONS = {state: tuple(s.to_state for s in INTAKE.steps if state in s.from_states)
               for state in STATUSES if any(state in s.from_states for s in INTAKE.steps)}


def step_to(intake: m.Intake, to_status: str) -> steps.Step:
    """The step that moves ``intake`` to ``to_status`` (one that leads there from elsewhere when none
    does from its status, so ``steps.check`` refuses it naming the status asked for)."""
    leading = [s for s in INTAKE.steps if s.to_state == to_status]
    if not leading:
        raise DomainError(_wrong_state(intake, intake.status, steps.Step("", "", (), to_status)))
    return next((s for s in leading if intake.status in s.from_states), leading[0])


def due_date_for(received: dt.date, promised_days: int) -> dt.date:
    """承诺时限 in calendar days from the day of receipt."""
    return received + dt.timedelta(days=promised_days)


def overdue_condition(today: dt.date) -> peewee.Expression:
    """The overdue rule as a query: still open and past its due date."""
    return m.Intake.status.in_(OPEN_STATUSES) & (m.Intake.due_date < today)


def is_overdue(intake: m.Intake, today: dt.date | None = None) -> bool:
    return overdue_on(intake.status, intake.due_date, today or clock.today())


def overdue_on(status: str, due_date: dt.date, today: dt.date) -> bool:
    """The rule itself, on plain values (the intake export reads tuples, not model objects)."""
    return status in OPEN_STATUSES and due_date < today


def serial_scope(received: dt.datetime) -> str:
    return f"{settings.get('serial_prefix')}{received:%Y%m%d}"


def format_serial(scope: str, number: int) -> str:
    """Prefix + date + 4-digit sequence, e.g. SL202501030007."""
    return f"{scope}{number:04d}"


def parse_serial(serial: str) -> tuple[str, int] | None:
    """The (scope, sequence) of a 受理编号 in this station's own format; None for a number from elsewhere."""
    prefix = settings.get("serial_prefix")
    if not serial.startswith(prefix):
        return None
    day_text, seq_text = serial[len(prefix):len(prefix) + 8], serial[len(prefix) + 8:]
    try:
        day = dt.datetime.strptime(day_text, "%Y%m%d")
    except ValueError:
        return None
    if not (seq_text.isascii() and seq_text.isdigit()):
        return None
    scope, seq = serial_scope(day), int(seq_text)
    return (scope, seq) if format_serial(scope, seq) == serial else None


def next_serial(received: dt.datetime) -> str:
    """The next 受理编号 of the day; call inside the intake's transaction."""
    scope = serial_scope(received)
    return format_serial(scope, next_number(scope))


@dataclass
class IntakeInput:
    resident_id: int
    service: str  # code or name
    action: str = ""
    details: dict[str, Any] | None = None
    documents: str = ""
    received_at: dt.datetime | None = None  # a paper intake entered later keeps its real time
    pending_docs: bool = False  # saved as 待补正 (一次性告知 issued), see core/intake/material_check.py


CLOCK_SLACK = dt.timedelta(minutes=5)  # PCs' clocks differ a little; a paper intake is never in the future


def check_new_intake(service: m.ServiceType, action: str, received: dt.datetime, documents: str) -> str:
    """The rules for any new intake, typed at the counter or read from a ledger; returns the action."""
    if not service.active:
        raise DomainError(f"业务“{service.name}”已停用，不能新建受理。", field="service")
    actions = catalog.actions_of(service)
    action = (action or "").strip() or (actions[0] if actions else "")
    if actions and action not in actions:
        raise DomainError(f"“{service.name}”的办理事项只能是：{'、'.join(actions)}。", field="action")
    if received > clock.now() + CLOCK_SLACK:
        raise DomainError("受理时间不能晚于现在。", field="received_at")
    clean_text(documents, "收取材料说明", 1000, lines=True, field="documents")
    return action


def create_intake(actor: m.Staff | None, data: IntakeInput) -> m.Intake:
    require(actor, CLERK)
    resident = get_resident(data.resident_id)
    service = catalog.get_service(data.service)
    received = (data.received_at or clock.now()).replace(microsecond=0)
    with write_transaction():
        return add_intake(actor, replace(data, received_at=received), resident, service, staff=actor)


def add_intake(actor: m.Staff | None, data: IntakeInput, resident: m.Resident, service: m.ServiceType, *,
               staff: m.Staff | None, staff_name: str = "", serial: str = "", note: str = "",
               historical: bool = False, audit_action: str = "新建受理", audit_extra: dict[str, Any] | None = None,
               ) -> m.Intake:
    """Check a new intake and write it with its first history entry and audit entry; call inside the
    write transaction. The counter (``create_intake``) and an intake ledger's row both come here, so a
    row is checked and stored exactly as one typed at the counter; a ledger gives its own ``serial``
    (kept) and ``note``, its 经办人 (``staff``, or ``staff_name`` for someone with no account here),
    and ``historical`` for a case of the past (catalog.FieldDef.required_for)."""
    received = data.received_at or clock.now()
    action = check_new_intake(service, data.action, received, data.documents)
    if service.code == catalog.PENSION and died_by(resident, received.date()):
        raise DomainError(f"{resident.name}已于 {resident.status_on:%Y-%m-%d} 登记死亡，不能办理{service.name}"
                          "（如登记有误，请站长在居民档案中恢复为在册）。", field="service")
    details = catalog.check_details(service, dict(data.details or {}), "intake", historical=historical)
    status = PENDING_DOCS if data.pending_docs else RECEIVED
    intake = m.Intake.create(
        serial=serial or next_serial(received), resident=resident, service=service, action=action,
        details=json.dumps(details, ensure_ascii=False), documents=(data.documents or "").strip(), status=status,
        received_at=received, due_date=due_date_for(received.date(), service.promised_days),
        staff=staff, staff_name=staff_name, grid=resident.grid_id, **catalog.stat_columns(service, details))
    m.IntakeEvent.create(intake=intake, at=received, staff=actor, to_status=status,
                         note=note or ("一次性告知，待补正" if data.pending_docs else "新建受理"))
    audit.record(actor, audit_action, "intake", intake.serial,
                 after={"service": service.code, "action": action, "details": details, **(audit_extra or {})})
    return intake


def handler_name(intake: m.Intake) -> str:
    """经办人 as shown and printed: the account's name, else the name a ledger gave for someone with no
    account here (``Intake.staff_name``); "" when nobody is recorded."""
    return intake.staff.display_name if intake.staff_id else intake.staff_name


def get_intake(serial: str) -> m.Intake:
    intake = m.Intake.get_or_none(m.Intake.serial == (serial or "").strip().upper())
    if intake is None:
        raise NotFound(f"找不到受理编号为“{serial}”的受理记录，请核对回执上的编号。")
    return intake


def change_status(
    actor: m.Staff | None, serial: str, to_status: str, *, note: str = "", result: str = "",
    forwarded_to: str = "", completion: dict[str, Any] | None = None, at: dt.datetime | None = None,
    historical: bool = False, seen: Sequence[Any] | None = None,
) -> m.Intake:
    """Move an intake along 受理 → 办理中 → 办结/退回/转办, recording who, when and why (the steps of ``INTAKE``).

    ``historical``: a case closed long ago, read from a ledger (catalog.FieldDef.required_for).
    ``seen``: the version the user saw (``steps.version_of``); a newer one is refused.
    """
    require(actor, CLERK)
    intake = get_intake(serial)
    step = steps.check(actor, INTAKE, intake, step_to(intake, to_status).code)
    at = (at or clock.now()).replace(microsecond=0)
    if at < intake.received_at:
        raise DomainError("办理时间不能早于受理时间。")
    result = clean_text(result, "办理结果", NOTE_LIMIT, lines=True, field="result")
    note = clean_text(note, "说明", NOTE_LIMIT, lines=True, field="note")
    forwarded_to = clean_text(forwarded_to, "转往的部门或人员", 80, field="forwarded_to")
    changes: dict[str, Any] = {"status": to_status}
    details = json.loads(intake.details or "{}")
    if to_status == COMPLETED:
        if not result:
            raise DomainError("办结需要填写办理结果。", field="result")
        extra = catalog.check_details(intake.service, dict(completion or {}), "complete", historical=historical)
        details.update(extra)
        changes.update(result=result, completed_at=at, details=json.dumps(details, ensure_ascii=False),
                       **catalog.stat_columns(intake.service, extra))
    elif completion:
        raise DomainError("只有办结时才填写办结信息。")
    if to_status in (RECEIVED, COMPLETED) and documents_outstanding(intake.id):
        raise DomainError(f"受理 {intake.serial} 还有材料未补交，请先登记“材料已补齐”。")
    if step.code == "accept":  # 补正 done: the promised time starts now
        changes.update(due_date=due_date_for(at.date(), intake.service.promised_days))
    if to_status == RETURNED:
        if not (note or result):
            raise DomainError("退回需要说明原因。", field="note")
        changes.update(result=result or note, completed_at=at)
    if to_status == FORWARDED:
        if not forwarded_to:
            raise DomainError("转办需要填写转往的部门或人员。", field="forwarded_to")
        changes.update(forwarded_to=forwarded_to, completed_at=at)
    text = "；".join(x for x in (note, result and f"结果：{result}", forwarded_to and f"转往：{forwarded_to}") if x)
    steps.apply(actor, INTAKE, intake, step.code, changes, at=at, note=text, seen=seen, audit_after=changes)
    return get_intake(intake.serial)


def count_overdue(today: dt.date) -> int:
    """Open intakes past their due date: the status bar's count."""
    return m.Intake.select().where(overdue_condition(today)).count()


def details_of(intake: m.Intake) -> list[tuple[str, str]]:
    """(label, shown value) pairs for the receipt and the detail view, in catalogue order."""
    values = json.loads(intake.details or "{}")
    return [(f.label, catalog.display_value(f, values[f.key])) for f in catalog.fields_of(intake.service)
            if f.key in values]


@dataclass
class IntakeFilter:
    status: str = ""  # one of STATUSES, "open", OVERDUE or MISSING_OVERDUE
    service_id: int | None = None
    staff_id: int | None = None
    grid_id: int | None = None
    resident_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str = ""
    sort: str = ""  # one of SORT_KEYS; newest first when empty
    descending: bool = False


SORT_KEYS = {"serial": m.Intake.serial, "received": m.Intake.received_at, "resident": m.Resident.name,
             "service": m.ServiceType.name, "status": m.Intake.status, "due": m.Intake.due_date}


def full_serial(text: str) -> str | None:
    """The 受理编号 when ``text`` is one in full (typed, or scanned from the receipt's QR code), else None."""
    serial = text.strip().upper()
    return serial if parse_serial(serial) is not None else None


def query_intakes(flt: IntakeFilter, today: dt.date | None = None) -> peewee.ModelSelect:
    """The filtered list every intake view and export reads, newest first.

    A full 受理编号 in ``text`` names one intake: it is found whatever the view, the other choices and
    the dates (an intake of a colleague's, or older than the range), as the 网格事件 page's number
    field finds its event; only the resident (one resident's own list) still narrows it. A part of a
    number lists the intakes it begins, within the view."""
    q = (m.Intake.select(m.Intake, m.Resident, m.ServiceType)
         .join(m.Resident).switch(m.Intake).join(m.ServiceType))
    if flt.resident_id:
        q = q.where(m.Intake.resident == flt.resident_id)
    serial = full_serial(flt.text)
    q = q.where(m.Intake.serial == serial) if serial else _in_view(q, flt, today or clock.today())
    if flt.sort in SORT_KEYS:
        field = SORT_KEYS[flt.sort]
        return q.order_by(field.desc() if flt.descending else field.asc(), m.Intake.id.desc())
    return q.order_by(m.Intake.received_at.desc(), m.Intake.id.desc())


def _in_view(q: peewee.ModelSelect, flt: IntakeFilter, today: dt.date) -> peewee.ModelSelect:
    """``q`` narrowed to the list's view, choices, dates and the beginning of a number."""
    if flt.status == "open":
        q = q.where(m.Intake.status.in_(OPEN_STATUSES))
    elif flt.status == OVERDUE:
        q = q.where(overdue_condition(today))
    elif flt.status == MISSING_OVERDUE:
        q = q.where(m.Intake.status.in_(OPEN_STATUSES) & missing_overdue_condition(today))
    elif flt.status:
        q = q.where(m.Intake.status == flt.status)
    if flt.service_id:
        q = q.where(m.Intake.service == flt.service_id)
    if flt.staff_id:
        q = q.where(m.Intake.staff == flt.staff_id)
    if flt.grid_id:
        q = q.where(m.Intake.grid == flt.grid_id)
    if flt.date_from:
        q = q.where(m.Intake.received_at >= dt.datetime.combine(flt.date_from, dt.time()))
    if flt.date_to:
        q = q.where(m.Intake.received_at < dt.datetime.combine(flt.date_to + dt.timedelta(days=1), dt.time()))
    if flt.text.strip():
        q = q.where(m.Intake.serial.startswith(flt.text.strip().upper()))
    return q


def history(intake: m.Intake) -> list[m.IntakeEvent]:
    return list(m.IntakeEvent.select().where(m.IntakeEvent.intake == intake).order_by(m.IntakeEvent.at, m.IntakeEvent.id))


STEP_TO = {s.to_state: s.name for s in INTAKE.steps}  # an IntakeEvent names no step: its new status does


def history_of(intake: m.Intake) -> list[steps.HistoryEntry]:
    """The intake's history in the one shape every kind's is read in, from its ``IntakeEvent`` rows as
    they are (written before steps had names too): the first row is the intake's creation."""
    return [steps.HistoryEntry(e.at, e.staff.display_name if e.staff_id else "",
                               STEP_TO.get(e.to_status, "") if e.from_status else "新建受理", e.note,
                               e.from_status, e.to_status) for e in history(intake)]


def meets_4050(gender: str, birth: dt.date | None, on: dt.date | None = None) -> bool:
    """The 4050 rule: women aged 40 and over, men aged 50 and over."""

    if birth is None or gender not in ("男", "女"):
        return False
    age = age_on(birth, on or clock.today())
    return age >= (40 if gender == "女" else 50)


class RosterPerson(NamedTuple):
    """The columns of one pensioner the roster shows and exports, as a plain tuple.

    Not a ``Resident`` model: at 28 000 pensioners the model instances (each with its data dict,
    dirty set and relations dict) made the roster's worker create so many objects that Python's full
    garbage collections, which hold the GIL, froze the window for 50-150 ms. ``residents.address``
    reads the same attribute names from a tuple as from a model.
    """

    id: int
    name: str
    doc_number: str
    gender: str
    birth_date: dt.date | None
    phone: str
    compound: str
    building: str
    unit: str
    room: str
    grid_name: str


@dataclass(frozen=True, slots=True)
class RosterRow:
    resident: RosterPerson
    certified: bool
    serial: str

    @property
    def record_key(self) -> object:
        """The pensioner a row stands for, the same before and after a certification (a list
        keeps the clerk's selected row by it)."""
        return m.Resident, self.resident.id


_ROSTER_COLUMNS = (m.Resident.id, m.Resident.name, m.Resident.doc_number, m.Resident.gender, m.Resident.birth_date,
                   m.Resident.phone, m.Resident.compound, m.Resident.building, m.Resident.unit, m.Resident.room)


def pension_roster(year: int, text: str = "") -> list[RosterRow]:
    """Every pensioner (or those the search box ``text`` finds, in the database) with whether this
    year's 资格认证 is done (an 办结 intake for that year), in pinyin order of the name.

    The order is ``pinyin_keys.sort_key`` over the rows read: the stored search keys are joined
    syllables, which the database would sort 梁 before 李 (a column of syllable keys would need a
    schema step). At a 100 000-resident station (28 000 pensioners) sorting adds 0.2-0.4 s to the
    1.8 s of reading the rows; a real roster of hundreds sorts in a few milliseconds. Rows are read
    as tuples of only the columns shown (see ``RosterPerson``).
    """
    service = catalog.get_service(catalog.PENSION)
    done = dict(m.Intake.select(m.Intake.resident, m.Intake.serial)
                .where((m.Intake.service == service) & (m.Intake.cert_year == year) & (m.Intake.status == COMPLETED))
                .tuples())
    found = search_condition(text)
    # Pensioners present at the year's end (today, in the current year): one recorded as dead or moved away
    # leaves the roster (finding them is what the roster is for).
    wanted = m.Resident.is_pensioner & present_condition(min(clock.today(), dt.date(year, 12, 31)))
    wanted = wanted if found is None else wanted & found
    query = (m.Resident.select(*_ROSTER_COLUMNS, peewee.fn.COALESCE(m.Grid.name, ""))
             .join(m.Grid, peewee.JOIN.LEFT_OUTER, on=m.Resident.grid == m.Grid.id).where(wanted).tuples())
    pensioners = sorted((RosterPerson(*row) for row in query), key=lambda r: f"{sort_key(r.name)}\x00{r.id:012d}")
    return [RosterRow(r, r.id in done, done.get(r.id, "")) for r in pensioners]


def record_certification(actor: m.Staff | None, resident_id: int, year: int, way: str) -> m.Intake:
    """One action from the roster: an intake of 资格认证, completed at once."""
    require(actor, CLERK)
    resident = get_resident(resident_id)
    if not resident.is_pensioner:
        raise DomainError(f"居民“{resident.name}”未标记为养老金领取人员。")
    service = catalog.get_service(catalog.PENSION)
    with write_transaction():
        # Checked under the write lock: two windows certifying the same pensioner at once must
        # not both find "not yet certified" and save two certifications.
        exists = m.Intake.select().where(
            (m.Intake.resident == resident) & (m.Intake.service == service) & (m.Intake.cert_year == year)
            & (m.Intake.status == COMPLETED)).exists()
        if exists:
            raise DomainError(f"居民“{resident.name}”{year}年度已完成认证。")
        intake = create_intake(actor, IntakeInput(resident.id, service.code, details={"cert_year": year, "way": way}))
        return change_status(actor, intake.serial, COMPLETED, result="认证通过")
