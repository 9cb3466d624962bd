"""An intake's document check at the counter: 齐全, 一次性告知 (待补正) or 容缺受理, and the later 补正/补齐.

Every status change goes through ``intakes.change_status``; this module keeps the check's own row.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from gridstation.core.intake import intakes
from gridstation.core.intake.material_rules import COMPLETE, DEFERRED, NOTICE
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import audit, catalog
from gridstation.core.station.material_list import MaterialDef, describe, materials_of
from gridstation.core.station.roles import CLERK, require
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction


@dataclass(frozen=True)
class CheckView:
    """An intake's check as shown and printed: the documents brought and the ones missing when the
    notice was given (a reprint after 补齐 shows what the resident was told), the deadline, and when
    the missing ones came."""

    mode: str
    received: list[MaterialDef]
    missing: list[MaterialDef]
    deadline: dt.date | None
    supplied_at: dt.datetime | None

    @property
    def still_missing(self) -> list[MaterialDef]:
        """What is missing now: nothing once the documents came."""
        return [] if self.supplied_at is not None else self.missing

    @property
    def brought(self) -> list[MaterialDef]:
        """Every document the station has now: those brought at first and, once they came, the missing ones."""
        return self.received + ([] if self.still_missing else self.missing)


def _split(service: m.ServiceType, brought: Sequence[str]) -> tuple[list[MaterialDef], list[MaterialDef]]:
    defs = materials_of(service)
    known = {d.name for d in defs}
    unknown = [name for name in brought if name not in known]
    if unknown:
        raise DomainError(f"“{service.name}”的材料清单中没有：{'、'.join(unknown)}。", field="materials")
    return [d for d in defs if d.name in brought], [d for d in defs if d.name not in brought]


def _documents_text(received: Sequence[MaterialDef], note: str) -> str:
    return "；".join(x for x in (describe(received), note.strip()) if x)


def create_checked_intake(actor: m.Staff | None, data: intakes.IntakeInput, brought: Sequence[str], *,
                          mode: str = "", deadline: dt.date | None = None) -> m.Intake:
    """Save an intake with the documents ticked from its service's list.

    Nothing missing: a normal intake. Something missing: ``mode`` says what the clerk chose — 告知
    (a 一次性告知单; saved as 待补正 with the date to bring them) or 容缺 (only "may be supplied later"
    documents missing; accepted now with a 补齐 deadline no later than the promised date).
    """
    require(actor, CLERK)
    service = catalog.get_service(data.service)
    received, missing = _split(service, brought)
    today = (data.received_at or clock.now()).date()
    if not missing:
        mode, deadline = COMPLETE, None
    elif mode not in (NOTICE, DEFERRED):
        raise DomainError(f"还缺少：{describe(missing)}。请出具一次性告知单，或按容缺受理。", field="materials",
                          items=tuple(d.name for d in missing))
    elif deadline is None:
        raise DomainError("请填写补交材料的日期。" if mode == NOTICE else "请填写补齐材料的期限。", field="deadline")
    elif deadline < today:
        raise DomainError("补交材料的日期不能早于今天。", field="deadline")
    if mode == DEFERRED:
        required = [d for d in missing if not d.later]
        if required:
            raise DomainError(f"{describe(required)}是必须材料，不能容缺受理，请出具一次性告知单。", field="materials",
                              items=tuple(d.name for d in required))
        due = intakes.due_date_for(today, service.promised_days)
        if deadline > due:
            raise DomainError(f"补齐期限不能晚于承诺办结日期 {due:%Y-%m-%d}。", field="deadline")
    data = intakes.IntakeInput(data.resident_id, data.service, data.action, data.details,
                               _documents_text(received, data.documents), data.received_at,
                               pending_docs=mode == NOTICE)
    with write_transaction():
        intake = intakes.create_intake(actor, data)
        m.IntakeMaterials.create(intake=intake, mode=mode, received=_names(received), missing=_names(missing),
                                 deadline=deadline, issued_at=intake.received_at, staff=actor)
        if mode != COMPLETE:
            audit.record(actor, "一次性告知" if mode == NOTICE else "容缺受理", "intake", intake.serial,
                         after={"missing": [d.name for d in missing], "deadline": deadline.isoformat()})
    return intake


def supply_missing(actor: m.Staff | None, serial: str, *, at: dt.datetime | None = None) -> m.Intake:
    """The missing documents came: a 待补正 request becomes a normal intake (due date from today),
    a 容缺 intake is marked 补齐."""
    require(actor, CLERK)
    intake = intakes.get_intake(serial)
    check = m.IntakeMaterials.get_or_none(m.IntakeMaterials.intake == intake)
    if check is None or check.mode == COMPLETE or check.supplied_at is not None:
        raise DomainError(f"受理 {intake.serial} 没有待补交的材料。")
    if intake.status not in (intakes.PENDING_DOCS, *intakes.OPEN_STATUSES):
        raise DomainError(f"受理 {intake.serial} 已{intake.status}，不能再补交材料。")
    at = (at or clock.now()).replace(microsecond=0)
    service = intake.service
    brought = json.loads(check.received) + json.loads(check.missing)
    received = _as_defs(service, brought)
    with write_transaction():
        # received and missing stay as they were at the notice: the 告知单 and 承诺书 reprint as given.
        updated = m.IntakeMaterials.update(supplied_at=at).where(
            (m.IntakeMaterials.id == check.id) & m.IntakeMaterials.supplied_at.is_null()).execute()
        if updated != 1:
            raise DomainError(f"受理 {intake.serial} 刚被其他窗口修改，请刷新后重试。")
        if check.mode == NOTICE:  # marked supplied first: change_status refuses 受理 while documents are due
            intake = intakes.change_status(actor, intake.serial, intakes.RECEIVED, note="补正材料已齐，正式受理", at=at)
        m.Intake.update(documents=_documents_text(received, ""), updated_at=clock.now()).where(
            m.Intake.id == intake.id).execute()
        audit.record(actor, "补正完成" if check.mode == NOTICE else "容缺补齐", "intake", intake.serial,
                     before={"missing": json.loads(check.missing)}, after={"supplied_at": at.isoformat()})
    return intakes.get_intake(intake.serial)


def restore_check(actor: m.Staff | None, intake: m.Intake, mode: str, missing: Sequence[str],
                  deadline: dt.date | None, supplied_at: dt.datetime | None) -> m.IntakeMaterials:
    """An intake's check as a ledger (a station's own export) records it: what was missing, by when, and
    when it came. Without it a 待补正 request read back could never become an intake. Call inside the
    caller's transaction, before the intake leaves 待补正 (``change_status`` asks whether documents are due)."""
    service = intake.service
    names = [d.name for d in materials_of(service)]
    unknown = [n for n in missing if n not in names]
    if unknown:
        raise DomainError(f"“{service.name}”的材料清单中没有：{'、'.join(unknown)}。", field="missing")
    if mode == COMPLETE and missing:
        raise DomainError("材料核对为“齐全”时不应填写缺少材料。", field="missing")
    if mode != COMPLETE and not missing and supplied_at is None:
        raise DomainError("一次性告知或容缺受理请填写缺少的材料。", field="missing")
    if mode != COMPLETE and deadline is None:
        raise DomainError("一次性告知或容缺受理请填写补正期限。", field="deadline")
    if supplied_at is not None and (mode == COMPLETE or supplied_at < intake.received_at):
        raise DomainError("补正日期只用于一次性告知或容缺受理，且不能早于受理时间。", field="supplied_at")
    # As at the notice, as ``supply_missing`` keeps them: ``supplied_at`` says the missing ones came.
    received = [n for n in names if n not in missing]
    return m.IntakeMaterials.create(intake=intake, mode=mode, received=json.dumps(received, ensure_ascii=False),
                                    missing=json.dumps(list(missing), ensure_ascii=False),
                                    deadline=deadline if mode != COMPLETE else None, issued_at=intake.received_at,
                                    supplied_at=supplied_at, staff=actor)


def _as_defs(service: m.ServiceType, names: Sequence[str]) -> list[MaterialDef]:
    """The names as the service's list describes them now; a name since removed from it keeps its name."""
    defs = {d.name: d for d in materials_of(service)}
    return [defs.get(n, MaterialDef(n)) for n in names]


def _names(defs: Sequence[MaterialDef]) -> str:
    return json.dumps([d.name for d in defs], ensure_ascii=False)


def check_of(intake: m.Intake) -> CheckView | None:
    """The intake's check, or None for one saved without the checklist (older intakes, ledger imports)."""
    check = m.IntakeMaterials.get_or_none(m.IntakeMaterials.intake == intake)
    if check is None:
        return None
    received = _as_defs(intake.service, json.loads(check.received))
    missing = _as_defs(intake.service, json.loads(check.missing))
    return CheckView(check.mode, received, missing, check.deadline, check.supplied_at)
