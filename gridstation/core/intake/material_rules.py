"""The words and the one overdue rule of the document check, importable by core/intakes.py without a cycle."""

from __future__ import annotations

import datetime as dt

import peewee

from gridstation.core.storage import models as m

COMPLETE, NOTICE, DEFERRED = "齐全", "告知", "容缺"
CHECK_WORDS = {COMPLETE: "齐全", NOTICE: "一次性告知", DEFERRED: "容缺受理"}  # as a ledger writes each check
MISSING_OVERDUE = "补齐逾期"  # the intake list's view of 容缺 intakes past their 补齐 deadline


def missing_overdue_condition(today: dt.date) -> peewee.Expression:
    """容缺 intakes whose documents have not come by their 补齐 deadline (the caller adds "still open")."""
    late = (m.IntakeMaterials.select(m.IntakeMaterials.intake)
            .where((m.IntakeMaterials.mode == DEFERRED) & m.IntakeMaterials.supplied_at.is_null()
                   & (m.IntakeMaterials.deadline < today)))
    return m.Intake.id.in_(late)


def documents_outstanding(intake_id: int) -> bool:
    """True while an intake's 告知 or 容缺 documents have not come (nothing outstanding without a check)."""
    return (m.IntakeMaterials.select()
            .where((m.IntakeMaterials.intake == intake_id) & (m.IntakeMaterials.mode != COMPLETE)
                   & m.IntakeMaterials.supplied_at.is_null()).exists())


def check_mode(word: str) -> str | None:
    """A ledger's 材料核对 cell as the check's mode (齐全 / 一次性告知 or 告知 / 容缺受理 or 容缺); "" when blank,
    None when it names none of them."""
    word = word.strip()
    if not word:
        return ""
    return next((mode for mode, long in CHECK_WORDS.items() if word in (mode, long)), None)
