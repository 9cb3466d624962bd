"""Demo 好差评 and document checks: ratings for most completed intakes, a few bad ones with their 整改
(most on time, some late, some still open), 申诉; one-time notices (补正 done, a few still 待补正)
and 容缺 intakes (most 补齐, some past their deadline).

Called once by ``core/demo.generate`` inside its transaction, after the intakes. Rows go in through
``db.bulk_insert`` as the rest of the demo data does; deadlines come from the app's own rules
(the station's ``opening_days.station_calendar``). Same seed, same rows.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field

from gridstation.core.evaluation.rules import BAD, CARD, LEVELS, PHONE, REASONS, SCREEN
from gridstation.core.intake import intakes as intake_rules
from gridstation.core.intake.material_rules import DEFERRED, NOTICE
from gridstation.core.station.material_list import materials_of
from gridstation.core.station.opening_days import station_calendar
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.core.storage import settings

CHUNK = 5000
LEVEL_WEIGHTS = (62, 24, 9, 3, 2)
FINDINGS = ("居民反映等候时间较长", "居民对所需材料理解有误", "窗口人员解释不够耐心", "居民多次往返补材料")
ACTIONS = ("已向居民致歉并当面解释", "已在窗口张贴材料清单", "已对窗口人员进行提醒谈话", "已安排专人导办")
VIEWS = ("满意", "满意", "基本满意", "不满意")


def _stamp(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()


def _insert(model: type[m.BaseModel], columns: list[str], rows: list[tuple]) -> None:
    fields = [model._meta.fields[c] for c in columns]
    for start in range(0, len(rows), CHUNK):
        dbmod.bulk_insert(fields, rows[start:start + CHUNK])


def write_demo(rng: random.Random, head_id: int, as_of: dt.datetime) -> dict[str, int]:
    """Write it all; returns the counts (ratings, bad ratings, notices, 容缺)."""
    calendar = station_calendar()
    window = int(settings.get("rating_window_days"))
    rectify = int(settings.get("rectify_days"))
    rows = list(m.Intake.select(m.Intake.id, m.Intake.service, m.Intake.staff, m.Intake.status, m.Intake.received_at,
                                m.Intake.completed_at, m.Intake.due_date).order_by(m.Intake.id).tuples())
    checks = _write_checks(rng, rows, as_of)
    ratings = [(intake_id, service, staff, status, completed) for intake_id, service, staff, status, _r, completed, _d
               in rows if status == intake_rules.COMPLETED and completed is not None and intake_id not in checks.ids]
    rated = _write_ratings(rng, ratings, head_id, as_of, calendar.add_working_days,
                           window, rectify)
    return {"ratings": rated[0], "bad_ratings": rated[1], "notices": checks.notices, "deferred": checks.deferred}


@dataclass
class _Checks:
    """The intakes given a document check, with how many of each kind."""

    ids: set[int] = field(default_factory=set)
    notices: int = 0
    deferred: int = 0


def _write_checks(rng: random.Random, rows: list[tuple], as_of: dt.datetime) -> _Checks:
    lists = {s.id: materials_of(s) for s in m.ServiceType.select()}
    done = _Checks()
    check_rows: list[tuple] = []
    supplied_events: list[tuple] = []
    pending: list[int] = []
    recent = as_of - dt.timedelta(days=7)
    # The newest open intake with a list is a request still waiting for its documents, so the demo
    # always shows one 待补正 however few intakes it has.
    waiting = next((row[0] for row in reversed(rows) if row[3] == intake_rules.RECEIVED and row[4] >= recent
                    and lists.get(row[1])), None)
    for intake_id, service, staff, status, received, completed, due in rows:
        defs = lists.get(service) or []
        later = [d.name for d in defs if d.later]
        roll = rng.random()
        if (roll < 0.025 or intake_id == waiting) and defs:  # 一次性告知
            missing = [rng.choice(defs).name]
            received_names = [d.name for d in defs if d.name not in missing]
            if status == intake_rules.RECEIVED and received >= recent:
                pending.append(intake_id)  # still waiting for the documents
                check_rows.append((intake_id, NOTICE, json.dumps(received_names, ensure_ascii=False),
                                   json.dumps(missing, ensure_ascii=False), _stamp(received.date() + dt.timedelta(days=7)),
                                   _stamp(received), None, staff))
            else:  # the resident fetched the document at once, so the promised date stands as received
                came = received
                supplied_events.append((intake_id, _stamp(came), staff, intake_rules.PENDING_DOCS,
                                        intake_rules.RECEIVED, "补正材料已齐，正式受理"))
                check_rows.append((intake_id, NOTICE, json.dumps(received_names, ensure_ascii=False),
                                   json.dumps(missing, ensure_ascii=False),
                                   _stamp(received.date() + dt.timedelta(days=7)), _stamp(received), _stamp(came), staff))
            done.ids.add(intake_id)
            done.notices += 1
        elif roll < 0.06 and later:  # 容缺受理
            missing = [rng.choice(later)]
            received_names = [d.name for d in defs if d.name not in missing]
            deadline = min(due, received.date() + dt.timedelta(days=3))
            came = received + dt.timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 4))
            if completed is not None:
                came = min(came, completed - dt.timedelta(minutes=30))
            late = completed is None and (came > as_of or rng.random() < 0.15)
            check_rows.append((intake_id, DEFERRED, json.dumps(received_names, ensure_ascii=False),
                               json.dumps(missing, ensure_ascii=False), _stamp(deadline),
                               _stamp(received), None if late else _stamp(max(came, received)), staff))
            done.ids.add(intake_id)
            done.deferred += 1
    _insert(m.IntakeMaterials, ["intake", "mode", "received", "missing", "deadline", "issued_at", "supplied_at",
                                "staff"], check_rows)
    notice_ids = [row[0] for row in supplied_events] + pending
    for start in range(0, len(notice_ids), 500):  # their history starts as 待补正
        chunk = notice_ids[start:start + 500]
        m.IntakeEvent.update(to_status=intake_rules.PENDING_DOCS, note="一次性告知，待补正").where(
            m.IntakeEvent.intake.in_(chunk) & (m.IntakeEvent.from_status == "")).execute()
    for start in range(0, len(pending), 500):
        m.Intake.update(status=intake_rules.PENDING_DOCS).where(m.Intake.id.in_(pending[start:start + 500])).execute()
    _insert(m.IntakeEvent, ["intake", "at", "staff", "from_status", "to_status", "note"], supplied_events)
    return done


def _write_ratings(rng: random.Random, completed: list[tuple], head_id: int, as_of: dt.datetime, add_days,
                   window: int, rectify: int) -> tuple[int, int]:
    rating_rows: list[tuple] = []
    bad_rows: dict[int, dt.datetime] = {}
    for intake_id, service, staff, _status, done_at in completed:
        if rng.random() > 0.85:
            continue
        channel = rng.choices((SCREEN, CARD, PHONE), (70, 20, 10))[0]
        delay = (dt.timedelta(minutes=rng.randint(1, 10)) if channel == SCREEN
                 else dt.timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 6)))
        at = done_at + delay
        if at > as_of or at.date() > add_days(done_at.date(), window):
            continue
        level = rng.choices(LEVELS, LEVEL_WEIGHTS)[0]
        reasons = rng.sample(REASONS, rng.randint(1, 2)) if level in BAD else []
        appealed = level in BAD and rng.random() < 0.1 and at + dt.timedelta(days=1) <= as_of
        rating_rows.append((intake_id, service, staff, staff, channel, _stamp(at), level,
                            json.dumps(reasons, ensure_ascii=False), "",
                            _stamp(at + dt.timedelta(days=1)) if appealed else None,
                            "居民对政策本身不满，非窗口服务原因" if appealed else "", head_id if appealed else None))
        if level in BAD:
            bad_rows[intake_id] = at
    _insert(m.Rating, ["intake", "service", "staff", "recorded_by", "channel", "at", "level", "reasons", "text",
                       "appealed_at", "appeal_reason", "appealed_by"], rating_rows)
    ids = dict(m.Rating.select(m.Rating.intake, m.Rating.id).where(m.Rating.level.in_(BAD)).tuples())
    fixes: list[tuple] = []
    # The oldest bad rating, and every eighth after it, is put right late: "some late" holds for any
    # demo day, not only for the days the random rolls happen to give one.
    for turn, (intake_id, at) in enumerate(sorted(bad_rows.items(), key=lambda item: item[1])):
        due = add_days(at.date(), rectify)
        roll = rng.random()
        visited = at + dt.timedelta(days=1)
        recent = at >= as_of - dt.timedelta(days=20)  # only recent ones are still open
        late = turn % 8 == 0 or 0.8 <= roll < 0.9 or (roll >= 0.9 and not recent)
        closed = (at + dt.timedelta(days=(due - at.date()).days + rng.randint(1, 5)) if late
                  else at + dt.timedelta(days=rng.randint(1, max(1, (due - at.date()).days))) if roll < 0.8
                  else None)
        if closed is not None and closed > as_of:
            closed = None
        fixes.append((ids[intake_id], _stamp(at), _stamp(due), _stamp(visited) if visited <= as_of else None,
                      rng.choice(FINDINGS) if visited <= as_of else "", rng.choice(ACTIONS) if closed else "",
                      rng.choice(VIEWS) if closed else "", _stamp(max(closed, visited)) if closed else None,
                      head_id if closed else None))
    _insert(m.Rectification, ["rating", "opened_at", "due_date", "visited_at", "finding", "action_taken",
                              "resident_view", "closed_at", "closed_by"], fixes)
    return len(rating_rows), len(bad_rows)
