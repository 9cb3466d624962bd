"""Demo grid events: a year of what the grid workers found, handled, reported up, closed and mediated.

Called by ``core/demo.generate`` inside its transaction (and by the benchmark for a larger count).
Like the rest of the demo data, rows are written as plain tuples through ``db.bulk_insert`` with
explicit ids: 100 000 events must not take minutes. The rules come from the app's own functions:
numbers from ``numbering.format_number``/``counter_scope``, due dates from ``rules.due_date_for``,
the categories and partners from ``lists``. Same seed, same rows.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from peewee import fn

from gridstation.core.events import lists, rules
from gridstation.core.events.numbering import counter_scope, format_number
from gridstation.core.grids import people as grid_people
from gridstation.core.grids import rules as grid_rules
from gridstation.core.station.opening_days import station_calendar
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m

DAYS = 365
CHUNK = 5000
CATEGORY_WEIGHT = {"环境卫生": 30, "设施损坏": 25, "安全隐患": 10, "矛盾纠纷": 8, "民生诉求": 20, "其他": 7}
SOURCE_WEIGHT = {rules.PATROL: 55, rules.RESIDENT_REPORT: 30, rules.ASSIGNED_FROM_ABOVE: 8, rules.HOTLINE: 7}
PROBLEMS = {
    "环境卫生": ("楼道堆放杂物", "垃圾桶满溢未清运", "绿化带内有建筑垃圾", "小区内积水发臭"),
    "设施损坏": ("路灯不亮", "单元门禁损坏", "井盖松动", "健身器材损坏", "楼道扶手松脱"),
    "安全隐患": ("电动车楼道充电", "消防通道被占用", "外墙瓷砖脱落", "灭火器过期"),
    "矛盾纠纷": ("楼上漏水引发邻里纠纷", "停车位占用纠纷", "噪音扰民引发争执", "宠物扰邻纠纷"),
    "民生诉求": ("独居老人需要助餐", "申请加装电梯咨询", "要求增设快递柜", "小区停水未通知"),
    "其他": ("废弃沙发占用车位", "流浪犬出没", "小广告乱贴"),
}
PLACES = ("星体花园{b}栋", "水木星{b}栋{u}单元", "万千百五{b}栋", "星都国际{b}号楼", "星天地商业区{b}号门")
RESULTS = ("已清理完毕", "已修复", "已协调物业处理", "已整改到位", "已答复居民", "已上门服务")
VIEWS = ("满意", "满意，处理及时", "基本满意", "满意，感谢网格员")
NOTES = ("已到现场查看", "已联系物业", "已电话联系居民", "等待维修材料")
REFERRED = ("官渡区人民法院", "派出所", "区劳动人事争议仲裁院")


class _Rows:
    def __init__(self, model: type[m.BaseModel], columns: list[str]) -> None:
        self.fields = [model._meta.fields[c] for c in columns]
        self.rows: list[tuple] = []

    def add(self, *row: object) -> None:
        self.rows.append(row)

    def flush(self) -> None:
        for start in range(0, len(self.rows), CHUNK):
            dbmod.bulk_insert(self.fields, self.rows[start:start + CHUNK])
        self.rows = []


def _stamp(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()


def _office(rng: random.Random, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(8, 30)) + dt.timedelta(seconds=rng.randrange(9 * 3600))


def _worker_person(grid: m.Grid, on: dt.date) -> int | None:
    """The person who finds and handles a demo grid's events: its first grid worker of the register (网格长,
    网格员), else the 网格长 of a grid above it, else whoever serves it (the community's 民警)."""
    serving = grid_people.people_of(grid, on, roles=grid_rules.GRID_ROLES)
    head = grid_people.grid_head_of(grid, on)
    if not serving and head is None:
        serving = grid_people.people_of(grid, on)
    return serving[0][0].id if serving else (head.id if head else None)


def write_events(rng: random.Random, count: int, head_id: int, as_of: dt.datetime) -> int:
    """``count`` events over the year before ``as_of``, in every state; call inside a write transaction.

    Grids and their workers, residents (for reporters and parties) and staff must exist already.
    """
    if count <= 0:
        return 0
    lists.store_builtin_lists()  # partners need ids, and the station's list is what the demo shows
    categories = {c.name: c for c in lists.categories(include_inactive=True)}
    partners = [p.id for p in lists.partners()]
    grids = [(g.id, g.worker_id or head_id, _worker_person(g, as_of.date())) for g in m.Grid.select()]
    # each grid's own buildings and those of the grids under it: an event's place is one of them, so the
    # 登记事件 dialog suggests the demo's events their grid as it would a station's
    above = dict(m.Grid.select(m.Grid.id, m.Grid.parent).tuples())
    sites: dict[int, list[str]] = {}
    for grid_id, compound, number in m.Building.select(m.Building.grid, m.Building.compound, m.Building.number).tuples():
        holder = grid_id
        while holder is not None:
            sites.setdefault(holder, []).append(compound + number)
            holder = above.get(holder)
    residents = list(m.Resident.select(m.Resident.id, m.Resident.name, m.Resident.phone, m.Resident.doc_number)
                     .order_by(m.Resident.id).limit(20000).tuples())
    people = rng.sample(residents, min(5000, len(residents)))
    if not grids or len(people) < 2:
        return 0
    calendar = station_calendar()
    names, cat_weights = list(CATEGORY_WEIGHT), list(CATEGORY_WEIGHT.values())
    sources, source_weights = list(SOURCE_WEIGHT), list(SOURCE_WEIGHT.values())
    event_cols = ["id", "number", "category", "level", "grid", "place", "description", "source", "finder",
                  "found_at", "registered_by", "registered_at", "due_date", "status", "route", "routed_at",
                  "platform_case_no", "reported_on", "street_answer", "assigned_to", "partner", "result", "closed_at",
                  "closed_by", "reopen_count", "visited_at", "visit_view", "mediation_outcome", "outcome_at",
                  "agreement_terms", "referred_to", "updated_at"]
    events = _Rows(m.GridEvent, event_cols)
    steps = _Rows(m.EventStep, ["event", "at", "staff", "action", "note"])
    parties = _Rows(m.EventParty, ["event", "resident", "role", "name", "doc_number", "phone", "address"])
    sessions = _Rows(m.MediationSession, ["event", "at", "place", "mediators", "notes", "staff"])
    first_id = int(m.GridEvent.select(fn.MAX(m.GridEvent.id)).scalar() or 0) + 1
    last_day = as_of.date()
    found_times = sorted(_office(rng, last_day - dt.timedelta(days=rng.randrange(DAYS))) for _ in range(count))
    # Numbers continue each day's counter (a benchmark adds events to a demo database that has some).
    taken = {c.scope: c.last for c in m.SerialCounter.select().where(m.SerialCounter.scope.startswith("event:"))}
    per_day: Counter[dt.date] = Counter()
    new_days: Counter[dt.date] = Counter()
    for offset, found in enumerate(found_times):
        found = min(found, as_of - dt.timedelta(hours=1))
        event_id = first_id + offset
        if found.date() not in per_day:
            per_day[found.date()] = taken.get(counter_scope(found.date()), 0)
        per_day[found.date()] += 1
        new_days[found.date()] += 1
        category = categories[rng.choices(names, cat_weights)[0]]
        level = rules.URGENT if rng.random() < 0.1 else rules.NORMAL
        source = rng.choices(sources, source_weights)[0]
        grid_id, worker, person = rng.choice(grids)
        due = rules.due_date_for(found.date(), level, category, calendar=calendar)
        description = rng.choice(PROBLEMS.get(category.name, PROBLEMS["其他"]))
        place = (rng.choice(sites[grid_id]) + f"{rng.randint(1, 4)}单元" if sites.get(grid_id)
                 else rng.choice(PLACES).format(b=rng.randint(1, 40), u=rng.randint(1, 4)))
        steps.add(event_id, _stamp(found), worker, rules.STEP_REGISTER, f"{source}：{description}")
        if source == rules.RESIDENT_REPORT:
            rid, name, phone, doc = rng.choice(people)
            parties.add(event_id, rid, rules.REPORTER, name, doc, phone, place)
        # The day's work: a route, often an assignment, a closing when its time came.
        routed_at = found + dt.timedelta(hours=rng.uniform(0.2, 6))
        route, case_no, reported_on = rules.IN_GRID, "", None
        if routed_at > as_of:
            routed_at, route = None, ""
        elif rng.random() < 0.25 and not category.mediation:
            route, case_no, reported_on = rules.REPORTED_UP, f"JD{found:%Y%m%d}{rng.randrange(10000):04d}", routed_at.date()
            steps.add(event_id, _stamp(routed_at), head_id, rules.STEP_REPORT, f"平台编号 {case_no}")
        else:
            steps.add(event_id, _stamp(routed_at), worker, rules.STEP_IN_GRID, "")
        assignee, partner = person, None
        if routed_at and rng.random() < 0.35 and partners:
            assignee, partner = None, rng.choice(partners)
            steps.add(event_id, _stamp(routed_at + dt.timedelta(minutes=10)), head_id, rules.STEP_ASSIGN, "分派给协作单位")
        outcome = terms = referred = ""
        outcome_at = None
        limit_days = max(1, (due - found.date()).days)
        close_chance = 0.985 if due < last_day else 0.45
        closes = routed_at is not None and rng.random() < close_chance
        closed_at = found + dt.timedelta(days=rng.uniform(0.1, limit_days * 1.3)) if closes else None
        if closed_at and closed_at > as_of:
            closed_at = None
        if category.mediation and routed_at:
            a, b = rng.sample(people, 2)
            for rid, name, phone, doc in (a, b):
                parties.add(event_id, rid, rules.PARTY, name, doc, phone, "")
            session_at = routed_at + dt.timedelta(days=rng.uniform(0.5, 5))
            if session_at < as_of:
                sessions.add(event_id, _stamp(session_at), "社区人民调解室", "网格员、人民调解员", "双方到场陈述", worker)
                steps.add(event_id, _stamp(session_at), worker, rules.STEP_SESSION, "双方到场陈述")
                outcome_at = session_at + dt.timedelta(hours=2)
                outcome = rules.MEDIATION_SUCCESS if rng.random() < 0.6 else rules.MEDIATION_FAILED
                if outcome == rules.MEDIATION_SUCCESS:
                    terms = "双方自愿和解，责任方于十日内修复并赔偿损失。"
                else:
                    referred = rng.choice(REFERRED)
                steps.add(event_id, _stamp(outcome_at), worker, rules.STEP_OUTCOME, outcome)
                if closed_at:
                    closed_at = max(closed_at, outcome_at + dt.timedelta(hours=1))
            else:
                closed_at = None
            if closed_at and (not outcome or closed_at > as_of):
                closed_at = None
        reopened = 0
        if closed_at:
            if rng.random() < 0.03:
                reopen_at = closed_at + dt.timedelta(days=rng.uniform(0.5, 3))
                final = reopen_at + dt.timedelta(days=rng.uniform(0.5, 3))
                if final < as_of:
                    steps.add(event_id, _stamp(closed_at), worker, rules.STEP_CLOSE, rng.choice(RESULTS))
                    steps.add(event_id, _stamp(reopen_at), head_id, rules.STEP_REOPEN, "居民反映仍未解决")
                    closed_at, reopened = final, 1
            elif rng.random() < 0.3:
                steps.add(event_id, _stamp(found + (closed_at - found) / 2), worker, rules.STEP_NOTE, rng.choice(NOTES))
            steps.add(event_id, _stamp(closed_at), worker, rules.STEP_CLOSE, rng.choice(RESULTS))
        visited_at, view = None, ""
        if closed_at and source == rules.RESIDENT_REPORT and rng.random() < 0.7:
            visited_at = closed_at + dt.timedelta(days=rng.uniform(0.5, 3))
            if visited_at < as_of:
                view = rng.choice(VIEWS)
                steps.add(event_id, _stamp(visited_at), worker, rules.STEP_VISIT, view)
            else:
                visited_at = None
        status = rules.CLOSED if closed_at else (rules.HANDLING if routed_at else rules.REGISTERED)
        events.add(event_id, format_number(found.date(), per_day[found.date()]), category.name, level, grid_id,
                   place, description, source, person, _stamp(found), worker, _stamp(found), _stamp(due), status,
                   route, _stamp(routed_at), case_no, _stamp(reported_on), "已转相关部门处理" if case_no and closed_at else "",
                   assignee if routed_at else None, partner, rng.choice(RESULTS) if closed_at else "", _stamp(closed_at),
                   worker if closed_at else None, reopened, _stamp(visited_at), view, outcome, _stamp(outcome_at),
                   terms, referred, _stamp(closed_at or routed_at or found))
        if len(events.rows) >= CHUNK:
            _flush(events, steps, parties, sessions)
    _flush(events, steps, parties, sessions)
    for day in new_days:
        m.SerialCounter.insert(scope=counter_scope(day), last=per_day[day]).on_conflict(
            conflict_target=[m.SerialCounter.scope], update={m.SerialCounter.last: per_day[day]}).execute()
    _advance_sequences()
    return count


def _flush(*tables: _Rows) -> None:
    for table in tables:  # events first: the others refer to them
        table.flush()


def _advance_sequences() -> None:
    """PostgreSQL's id sequence does not see explicit ids; move it past the rows just written."""
    database = dbmod.current()
    if not dbmod.is_sqlite(database):
        database.execute_sql("SELECT setval(pg_get_serial_sequence('grid_event', 'id'), "
                             "(SELECT COALESCE(MAX(id), 1) FROM grid_event))")
