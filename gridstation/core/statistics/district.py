"""District roll-up: each station's monthly figures as a summary file, and the street office's report
combining several stations (``gridstation report monthly --export-summary`` and ``gridstation district``).

Summary file format (``gridstation-monthly-summary``, version 2)
================================================================

One UTF-8 JSON object per station and month, written next to the monthly PDF. The figures are
those of the station's own monthly report for that month (``core.stats.period_stats``, with the
definitions printed in every report's notes), so the street office adds up exactly what each station
signed. Only counts, amounts and day sums are stored; every rate is recomputed from them when
combining (a rate is never averaged). Money is integer fen. Unknown keys are ignored, so a later
version may add figures; a change that alters a meaning gets a new ``version``.

.. code-block:: text

    format        "gridstation-monthly-summary"
    version       2                              1: written before the grid register's figures
    generator     "gridstation 0.1.0"
    generated_at  "2025-03-01T09:12:00"          local time of export
    station       {"name": "…社区为民服务站", "address": "…", "phone": "…"}
    month         "2025-02"
    period        {"start": "2025-02-01", "end": "2025-02-28",
                   "cutoff": "2025-02-28"}        last day counted (today while the month runs)
    intakes       totals over all services, keys as ``services`` entries below (no code/name)
    services      [{"code": "wage", "name": "讨薪",
                    "received", "completed", "returned", "forwarded",   intakes (件)
                    "in_progress", "overdue",                            at the end of the period
                    "received_completed",      received in the month and 办结 by its end
                    "days_total",              sum of days to complete over "completed" (float)
                    "workers", "owed_fen", "recovered_fen",              wage-claim figures
                    "received_by_action": {"新办": 3, …}, "completed_by_action": {…}}, …]
    wage          {"cases", "workers", "owed_fen", "completed", "recovered_fen", "forwarded"}
    pension       {"year", "pensioners", "certified", "certified_in_period"}
    tools         {"slips", "lent", "returned", "damaged", "missing_parts", "lost",
                   "out_at_end", "overdue", "units_in_service",
                   "unit_days_out" (float), "days", "top_kinds": [["梯子", 12], …]}
    events        grid events (core/statistics/event_rollup.py): {"found", "in_grid", "reported_up", "closed",
                   "overdue", "due", "due_closed", "due_on_time", "reopened", "mediations",
                   "mediation_success"}; absent in older files (counted as zero)
    grids         the grid register on the cut-off day (core/statistics/grid_rollup.py): {"grids", "dedicated",
                   "buildings", "households", "residents", "workers", "building_heads", "diary_entries",
                   "diary_events", "levels": {"四级": {"综合网格": 6}, …}}; new in version 2, so a
                   version-1 file has none and counts as zero

Reading accepts every version in ``READABLE``: a figure an older version did not carry counts as zero,
so a district can combine this month's files with those of a station that has not upgraded yet; a
newer version is refused (its figures might mean something else).

Derived figures are computed by the same properties as in the station's report: 办结率 =
Σreceived_completed / Σreceived, 平均办理天数 = Σdays_total / Σcompleted, 认证覆盖率 =
Σcertified / Σpensioners, 户/网格员 = Σhouseholds / Σworkers, 利用率 = Σunit_days_out / (Σunits_in_service × days).

Combining refuses files of another month, two files of one station, and files whose periods end on
different days (one exported mid-month, another after the month ended): their figures would not
be comparable, and the report would silently mix them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from gridstation import __version__
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.statistics import event_rollup as events_rollup
from gridstation.core.statistics import grid_rollup, grid_tables
from gridstation.core.statistics.stats import (
    TOP_KINDS,
    PensionStats,
    PeriodStats,
    ServiceRow,
    Tally,
    ToolStats,
    WageStats,
    month_end,
    period_stats,
)
from gridstation.core.statistics.stats_tables import (
    INTAKE_MEASURES,
    PENSION_ITEMS,
    TOOL_ITEMS,
    TOTAL,
    WAGE_ITEMS,
    Column,
    Item,
    Money,
    StatTable,
    service_table,
    top_kinds_table,
)
from gridstation.core.statistics.summary_values import checked_count
from gridstation.core.storage import settings

FORMAT = "gridstation-monthly-summary"
VERSION = 2
READABLE = (1, 2)  # version 1: before the grid register's figures (they count as zero)

TALLY_KEYS = [f.name for f in fields(Tally)]
WAGE_KEYS = [f.name for f in fields(WageStats)]
PENSION_KEYS = [f.name for f in fields(PensionStats)]
TOOL_KEYS = [f.name for f in fields(ToolStats) if f.name != "top_kinds"]
FLOAT_KEYS = {"days_total", "unit_days_out"}


# ---------------------------------------------------------------- exporting one station


def _number(key: str, value: Any) -> int | float:
    """Plain JSON numbers whatever the database returned (PostgreSQL sums come back as Decimal)."""
    return float(value) if key in FLOAT_KEYS else int(value)


def _tally(row: Tally) -> dict[str, Any]:
    return {key: _number(key, getattr(row, key)) for key in TALLY_KEYS}


def build_summary(month: dt.date, today: dt.date | None = None, *, generated: dt.datetime | None = None) -> dict:
    """The open station's summary of ``month`` (see the module docstring for the format)."""
    first = month.replace(day=1)
    stats = period_stats(first, month_end(first), today)
    generated = generated or clock.now()
    return {
        "format": FORMAT,
        "version": VERSION,
        "generator": f"gridstation {__version__}",
        "generated_at": generated.isoformat(),
        "station": {"name": str(settings.get("station_name") or ""), "address": str(settings.get("station_address") or ""),
                    "phone": str(settings.get("station_phone") or "")},
        "month": f"{first:%Y-%m}",
        "period": {"start": stats.start.isoformat(), "end": stats.end.isoformat(), "cutoff": stats.cutoff.isoformat()},
        "intakes": _tally(stats.total),
        "services": [{"code": row.code, "name": row.name, **_tally(row),
                      "received_by_action": dict(row.received_by_action),
                      "completed_by_action": dict(row.completed_by_action)} for row in stats.services],
        "wage": {key: _number(key, getattr(stats.wage, key)) for key in WAGE_KEYS},
        "pension": {key: _number(key, getattr(stats.pension, key)) for key in PENSION_KEYS},
        "tools": {**{key: _number(key, getattr(stats.tools, key)) for key in TOOL_KEYS},
                  "top_kinds": [[name, int(n)] for name, n in stats.tools.top_kinds]},
        events_rollup.KEY: events_rollup.summary_part(stats),
        grid_rollup.KEY: grid_rollup.summary_part(stats),
    }


def summary_json(month: dt.date, today: dt.date | None = None) -> str:
    return json.dumps(build_summary(month, today), ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------- reading summaries


@dataclass(frozen=True)
class StationSummary:
    """One station's month as read back from its file."""

    file: str
    name: str
    address: str
    generated_at: dt.datetime
    stats: PeriodStats
    version: int = VERSION


def read_summary(path: Path) -> StationSummary:
    """A summary file checked for format, version and every figure; DomainError naming the file."""
    where = Path(path).name
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DomainError(f"找不到汇总文件：{path}。") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DomainError(f"{where} 不是有效的 JSON 文件（{exc}）。") from None
    except OSError as exc:
        raise DomainError(f"无法读取 {where}：{exc.strerror or exc}。") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DomainError(f"{where} 不是网格服务站的月度汇总文件（请用 gridstation report monthly --export-summary 导出）。")
    if data.get("version") not in READABLE:
        raise DomainError(f"{where} 的汇总格式版本为 {data.get('version')}，本程序只能读取版本 "
                          f"{'、'.join(map(str, READABLE))}，请用同一版本或更新版本的网格服务站汇总。")
    try:
        return _parse(data, where)
    except (KeyError, TypeError, ValueError) as exc:
        raise DomainError(f"{where} 的内容不完整或有误（{type(exc).__name__}: {exc}），请重新导出。") from None


def _count(data: dict, key: str) -> int | float:
    return checked_count(data[key], key, whole=key not in FLOAT_KEYS)


def _counts(data: dict, key: str) -> dict[str, int]:
    raw = data.get(key, {})
    if not isinstance(raw, dict):
        raise TypeError(f"{key} 应为对象")
    return {str(k): int(_count(raw, k)) for k in raw}


def _parse(data: dict, where: str) -> StationSummary:
    station = data["station"]
    name = str(station["name"]).strip()
    if not name:
        raise ValueError("station.name 为空")
    period = data["period"]
    start, end, cutoff = (dt.date.fromisoformat(period[k]) for k in ("start", "end", "cutoff"))
    services = []
    for index, row in enumerate(data["services"], start=1):
        services.append(ServiceRow(**{k: _count(row, k) for k in TALLY_KEYS}, service_id=index,
                                   code=str(row["code"]), name=str(row["name"]),
                                   received_by_action=_counts(row, "received_by_action"),
                                   completed_by_action=_counts(row, "completed_by_action")))
    tools = data["tools"]
    top = [(str(kind), int(n)) for kind, n in tools.get("top_kinds", [])]
    stats = PeriodStats(
        start=start, end=end, cutoff=cutoff, services=services,
        total=Tally(**{k: _count(data["intakes"], k) for k in TALLY_KEYS}),
        wage=WageStats(**{k: _count(data["wage"], k) for k in WAGE_KEYS}),
        pension=PensionStats(**{k: _count(data["pension"], k) for k in PENSION_KEYS}),
        tools=ToolStats(**{k: _count(tools, k) for k in TOOL_KEYS}, top_kinds=top),
        staff=[], grids=[], daily=[], events=events_rollup.parse_part(data), grid_register=grid_rollup.parse_part(data))
    if f"{start:%Y-%m}" != data["month"] or not start <= cutoff <= end:
        raise ValueError("month 与 period 不一致")
    return StationSummary(where, name, str(station.get("address", "")),
                          dt.datetime.fromisoformat(data["generated_at"]), stats, data["version"])


# ---------------------------------------------------------------- combining


def check_together(month: dt.date, summaries: Sequence[StationSummary]) -> None:
    """Refuse files that would not add up: another month, one station twice, different cut-off days."""
    if not summaries:
        raise DomainError("请至少给出一个服务站的汇总文件。")
    label = f"{month.year}年{month.month}月"
    for s in summaries:
        if (s.stats.start.year, s.stats.start.month) != (month.year, month.month):
            raise DomainError(f"{s.file}（{s.name}）是 {s.stats.start.year}年{s.stats.start.month}月的数据，"
                              f"不是{label}的。")
    seen: dict[str, str] = {}
    for s in summaries:
        if s.name in seen:
            raise DomainError(f"服务站“{s.name}”出现了两次（{seen[s.name]}、{s.file}），请只保留一个文件。")
        seen[s.name] = s.file
    cutoffs = {s.stats.cutoff for s in summaries}
    if len(cutoffs) > 1:
        early = min(summaries, key=lambda s: s.stats.cutoff)
        raise DomainError(f"各文件的数据截止日不同（{early.file} 截至 {early.stats.cutoff:%Y-%m-%d}，"
                          f"其他截至 {max(cutoffs):%Y-%m-%d}），不能相加。请各服务站在同一天（最好在月末之后）重新导出。")


def combine(summaries: Sequence[StationSummary]) -> PeriodStats:
    """The stations' figures added up; services merged by their code (station-added ones stay apart)."""
    first = summaries[0].stats
    total = Tally()
    merged: dict[str, ServiceRow] = {}
    top: Counter[str] = Counter()
    wage = dict.fromkeys(WAGE_KEYS, 0)
    pension = dict.fromkeys(PENSION_KEYS, 0)
    tools = dict.fromkeys(TOOL_KEYS, 0)
    for s in summaries:
        total.add(s.stats.total)
        for row in s.stats.services:
            into = merged.setdefault(row.code, ServiceRow(service_id=len(merged) + 1, code=row.code, name=row.name))
            into.add(row)
            for target, source in ((into.received_by_action, row.received_by_action),
                                   (into.completed_by_action, row.completed_by_action)):
                for action, n in source.items():
                    target[action] = target.get(action, 0) + n
        for key in WAGE_KEYS:
            wage[key] += getattr(s.stats.wage, key)
        for key in PENSION_KEYS:
            pension[key] += getattr(s.stats.pension, key)
        for key in TOOL_KEYS:
            tools[key] += getattr(s.stats.tools, key)
        top.update(dict(s.stats.tools.top_kinds))
    pension["year"] = first.pension.year
    tools["days"] = first.tools.days  # the same for every file: check_together saw one cut-off day
    ranked = sorted(top.items(), key=lambda item: (-item[1], item[0]))[:TOP_KINDS]
    return PeriodStats(start=first.start, end=first.end, cutoff=first.cutoff, services=list(merged.values()),
                       total=total, wage=WageStats(**wage), pension=PensionStats(**pension),
                       tools=ToolStats(**tools, top_kinds=ranked), staff=[], grids=[], daily=[],
                       events=events_rollup.combined(s.stats for s in summaries),
                       grid_register=grid_rollup.combined(s.stats for s in summaries))


def per_station(key: str, title: str, items: Sequence[Item], summaries: Sequence[StationSummary],
                combined: PeriodStats, note: str = "") -> StatTable:
    """A row per station and a 合计 row, the figures read by the same functions as a station's report."""
    columns = [Column("服务站", 2.6)] + [Column(label, _width(label, get(combined))) for label, get in items]
    rows = [[s.name] + [get(s.stats) for _, get in items] for s in summaries]
    rows.append([TOTAL] + [get(combined) for _, get in items])
    return StatTable(key, title, columns, rows, has_total=True, note=note)


def _width(label: str, sample: object) -> float:
    """Relative column width: room for ¥9,999,999.99 in money columns, for a long heading in others."""
    if isinstance(sample, Money):
        return 1.9
    return 1.2 if len(label) > 4 else 1.0


def _older_note(summaries: Sequence[StationSummary]) -> str:
    """Which stations sent a file from before the grid register's figures (their grids count as zero)."""
    older = [s.name for s in summaries if s.version < 2]
    return f"{'、'.join(older)}的汇总文件为升级前的版本1，没有网格数字，各项计为0。" if older else ""


def district_tables(summaries: Sequence[StationSummary], combined: PeriodStats) -> list[StatTable]:
    """Every table of the district report, in the order the PDF prints them."""
    intake_items: list[Item] = [(label, lambda s, get=get: get(s.total)) for label, get in INTAKE_MEASURES]
    sources = StatTable("汇总来源", "汇总来源", [Column("服务站", 3.0), Column("地址", 3.4), Column("导出时间", 1.8),
                                               Column("数据截至", 1.4)],
                        [[s.name, s.address or "—", s.generated_at, s.stats.cutoff]
                         for s in summaries])
    return [
        per_station("各站受理", "各服务站受理与办结", intake_items, summaries, combined),
        per_station("讨薪", "讨薪", WAGE_ITEMS, summaries, combined),
        per_station("养老认证", "养老保险待遇资格认证", PENSION_ITEMS, summaries, combined,
                    note=f"“本年度已认证”指{combined.pension.year}年度。"),
        per_station("共享工具箱", "共享工具箱", TOOL_ITEMS, summaries, combined),
        per_station("网格事件", "网格事件", events_rollup.ITEMS, summaries, combined),
        per_station("网格与网格力量", "网格、楼栋与网格力量（各服务站截止日）", grid_rollup.ITEMS, summaries, combined,
                    note=_older_note(summaries)),
        grid_tables.levels_table(combined.grid_register, "网格设置（各服务站合计，按层级和类型）"),
        service_table(combined, "分业务汇总", "分业务汇总（各服务站合计）"),
        top_kinds_table(combined, f"借出最多的工具（各服务站合计前{len(combined.tools.top_kinds) or TOP_KINDS}种）"),
        sources,
    ]
