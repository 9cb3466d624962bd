"""The station head's statistics: the month's figures and the monthly report.

- ``monthly_stats_ms``: median of ``core.stats.monthly_stats`` for the last complete month of the
  generated data (the month, the month before, the same month last year, the year to date),
  beside ``raw_sql_monthly_stats_ms``: the same figures counted by hand-written sqlite3 GROUP BY
  statements with no ORM and no Python beyond unpacking. Before timing, the per-service received,
  completed, returned, forwarded, in-progress and overdue counts of both are compared for all four
  periods, so the baseline counts what the app counts (target: within 5x of it).
- ``monthly_report_ms``: median of ``reports.monthly.write_monthly`` writing the PDF and the Excel
  file for that month (target under 2 s).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from common import Context, Figure, median, opened, time_ms

from gridstation.core.rules import clock

DONE, RETURNED, FORWARDED, OPEN = "办结", "退回", "转办", ("受理", "办理中")

PER_PERIOD = {
    "received": "SELECT service_id, COUNT(*), SUM(status = '办结' AND completed_at < :hi), SUM(workers), "
                "SUM(amount_owed_fen) FROM intake WHERE received_at >= :lo AND received_at < :hi GROUP BY service_id",
    "closed": "SELECT service_id, status, COUNT(*), SUM(julianday(completed_at) - julianday(received_at)), "
              "SUM(amount_recovered_fen) FROM intake WHERE completed_at >= :lo AND completed_at < :hi "
              "GROUP BY service_id, status",
    "open_now": "SELECT service_id, COUNT(*), SUM(due_date < :cutoff) FROM intake "
                "WHERE status IN ('受理', '办理中') AND received_at < :hi GROUP BY service_id",
    "closed_since": "SELECT service_id, COUNT(*), SUM(due_date < :cutoff) FROM intake "
                    "WHERE completed_at >= :hi AND completed_at < '9999-12-31' AND received_at < :hi "
                    "GROUP BY service_id",
    "pensioners": "SELECT COUNT(*) FROM resident WHERE is_pensioner",
    "certified": "SELECT COUNT(DISTINCT resident_id) FROM intake WHERE service_id = :pension AND cert_year = :year "
                 "AND status = '办结' AND completed_at < :hi AND resident_id IN (SELECT id FROM resident WHERE is_pensioner)",
    "lent": "SELECT COUNT(DISTINCT li.loan_id), COUNT(*) FROM loan_item li JOIN loan l ON l.id = li.loan_id "
            "WHERE l.lent_at >= :lo AND l.lent_at < :hi",
    "returns": "SELECT return_condition, COUNT(*) FROM loan_item WHERE returned_at >= :lo AND returned_at < :hi "
               "GROUP BY return_condition",
    "out_at_end": "SELECT COUNT(*), SUM(l.due_date < :cutoff) FROM loan_item li JOIN loan l ON l.id = li.loan_id "
                  "WHERE l.lent_at < :hi AND (li.returned_at IS NULL OR li.returned_at >= :hi)",
    "unit_days": "SELECT SUM(julianday(MIN(COALESCE(li.returned_at, :hi), :hi)) - julianday(MAX(l.lent_at, :lo))) "
                 "FROM loan_item li JOIN loan l ON l.id = li.loan_id "
                 "WHERE l.lent_at < :hi AND (li.returned_at IS NULL OR li.returned_at > :lo)",
    "units": "SELECT COUNT(*) FROM tool_unit WHERE state NOT IN ('遗失', '报废')",
}
# The breakdowns the report prints for the month itself.
MONTH_ONLY = {
    "by_action_grid": "SELECT service_id, action, grid_id, COUNT(*) FROM intake "
                      "WHERE received_at >= :lo AND received_at < :hi GROUP BY service_id, action, grid_id",
    "closed_by_action_grid": "SELECT service_id, action, grid_id, status, COUNT(*) FROM intake "
                             "WHERE completed_at >= :lo AND completed_at < :hi GROUP BY service_id, action, grid_id, status",
    "open_by_grid": "SELECT grid_id, COUNT(*) FROM intake WHERE status IN ('受理', '办理中') AND received_at < :hi "
                    "GROUP BY grid_id",
    "staff_received": "SELECT staff_id, COUNT(*) FROM intake WHERE received_at >= :lo AND received_at < :hi "
                      "GROUP BY staff_id",
    "staff_completed": "SELECT e.staff_id, COUNT(*) FROM intake i CROSS JOIN intake_event e "
                       "WHERE e.intake_id = i.id AND i.completed_at >= :lo AND i.completed_at < :hi "
                       "AND i.status = '办结' AND e.to_status = '办结' GROUP BY e.staff_id",
    "staff_loans": "SELECT staff_id, COUNT(*) FROM loan WHERE lent_at >= :lo AND lent_at < :hi GROUP BY staff_id",
    "daily_received": "SELECT date(received_at), COUNT(*) FROM intake WHERE received_at >= :lo AND received_at < :hi "
                      "GROUP BY date(received_at)",
    "daily_completed": "SELECT date(completed_at), COUNT(*) FROM intake WHERE completed_at >= :lo "
                       "AND completed_at < :hi AND status = '办结' GROUP BY date(completed_at)",
    "top_kinds": "SELECT k.name, COUNT(*) AS n FROM loan_item li JOIN loan l ON l.id = li.loan_id "
                 "JOIN tool_unit u ON u.id = li.unit_id JOIN tool_kind k ON k.id = u.kind_id "
                 "WHERE l.lent_at >= :lo AND l.lent_at < :hi GROUP BY k.id ORDER BY n DESC, k.name LIMIT 10",
}


def report_month(conn: sqlite3.Connection) -> dt.date:
    """The last complete month of the generated history."""
    newest = dt.date.fromisoformat(conn.execute("SELECT MAX(received_at) FROM intake").fetchone()[0][:10])
    return (newest.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def periods(month: dt.date) -> list[tuple[dt.date, dt.date]]:
    from gridstation.core.statistics.stats import add_months, month_end

    return [(month, month_end(month)), (add_months(month, -1), month - dt.timedelta(days=1)),
            (add_months(month, -12), month_end(add_months(month, -12))), (month.replace(month=1), month_end(month))]


def raw_counts(conn: sqlite3.Connection, month: dt.date, pension_id: int) -> list[dict[int, tuple]]:
    """Every figure of the four periods by plain SQL; per service (received, completed, returned,
    forwarded, in progress, overdue) per period, for the comparison with the app."""
    out = []
    for index, (start, end) in enumerate(periods(month)):
        cutoff = min(end, clock.today())
        params = {"lo": f"{start} 00:00:00", "hi": f"{cutoff + dt.timedelta(days=1)} 00:00:00",
                  "cutoff": cutoff.isoformat(), "pension": pension_id, "year": start.year}
        results = {name: conn.execute(sql, params).fetchall() for name, sql in PER_PERIOD.items()}
        if index == 0:
            for sql in MONTH_ONLY.values():
                conn.execute(sql, params).fetchall()
        counts: dict[int, list[int]] = {}
        for service_id, n, *_ in results["received"]:
            counts.setdefault(service_id, [0] * 6)[0] = n
        for service_id, status, n, *_ in results["closed"]:
            slot = {DONE: 1, RETURNED: 2, FORWARDED: 3}.get(status)
            if slot is not None:
                counts.setdefault(service_id, [0] * 6)[slot] += n
        for name in ("open_now", "closed_since"):
            for service_id, n, late in results[name]:
                row = counts.setdefault(service_id, [0] * 6)
                row[4] += n
                row[5] += late or 0
        out.append({k: tuple(v) for k, v in counts.items()})
    return out


def app_counts(ms) -> list[dict[int, tuple]]:
    return [{r.service_id: (r.received, r.completed, r.returned, r.forwarded, r.in_progress, r.overdue)
             for r in p.services if (r.received, r.completed, r.returned, r.forwarded, r.in_progress, r.overdue) != (0,) * 6}
            for p in (ms.current, ms.previous, ms.last_year, ms.year_to_date)]


def run(ctx: Context) -> list[Figure]:
    from gridstation.core.station import catalog
    from gridstation.core.statistics.stats import monthly_stats
    from gridstation.reports.monthly import write_monthly

    rounds = 3 if ctx.quick else ctx.repeat
    conn = sqlite3.connect(ctx.db)
    try:
        month = report_month(conn)
        with opened(ctx.db):
            pension_id = catalog.get_service(catalog.PENSION).id
            app = app_counts(monthly_stats(month))  # also warms the page cache for both paths
            raw = raw_counts(conn, month, pension_id)
            if app != raw:
                raise RuntimeError(f"monthly_stats and the raw SQL disagree for {month:%Y-%m}: {app} != {raw}")
            stats_ms = [time_ms(lambda: monthly_stats(month)) for _ in range(rounds)]
            raw_ms = [time_ms(lambda: raw_counts(conn, month, pension_id)) for _ in range(rounds)]
            pdf, xlsx = Path(ctx.work_dir) / "monthly.pdf", Path(ctx.work_dir) / "monthly.xlsx"
            write_monthly(month, pdf, xlsx)  # fonts registered, as in a running app
            report_ms = [time_ms(lambda: write_monthly(month, pdf, xlsx)) for _ in range(rounds)]
    finally:
        conn.close()
    return [Figure("monthly_stats_ms", median(stats_ms), "ms", "raw_sql_monthly_stats_ms", median(raw_ms)),
            Figure("monthly_report_ms", median(report_ms), "ms")]
