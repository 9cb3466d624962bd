"""The tool-box counter: scan to lend, scan to return, and the label sheet.

- ``lend_ms``: lending.lend from a scanned asset code to a committed loan (rules, conditional unit
  update, slip number, history, audit entry), median after the first, on a copy of the database
  with 50 000 loans in history; beside a raw sqlite3 transaction that writes the same loan, loan
  item and unit state.
- ``return_ms``: returns.return_unit for the units just lent, median after the first, beside a raw
  sqlite3 transaction that closes the loan item and puts the unit back.
- ``labels_pdf_ms``: an A4 sheet of 100 asset labels with QR codes (reports.labels.render_labels).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from common import Context, Figure, median, ms_since, opened, time_ms

ROUNDS = 30


def _pick(limit: int) -> tuple[list[int], list[str]]:
    """Residents with no loans at all (so no overdue refusal) and units on the shelf."""
    from gridstation.core.storage import models as m

    borrowers = (m.Resident.select(m.Resident.id)
                 .where(m.Resident.id.not_in(m.Loan.select(m.Loan.resident))).order_by(m.Resident.id).limit(limit))
    units = m.ToolUnit.select(m.ToolUnit.asset_code).where(m.ToolUnit.state == "在库").order_by(m.ToolUnit.id).limit(limit)
    return [r.id for r in borrowers], [u.asset_code for u in units]


def lend_return_figures(ctx: Context) -> list[Figure]:
    from gridstation.core.station.roles import ADMIN
    from gridstation.core.storage import models as m
    from gridstation.core.toolbox import lending, returns

    copy = ctx.copy_db("tools.db")
    rounds = ROUNDS if not ctx.quick else ROUNDS // 3
    with opened(copy):
        admin = m.Staff.select().where(m.Staff.role == ADMIN).first()
        residents, codes = _pick(rounds * 2)
        rounds = min(rounds, len(residents) // 2, len(codes) // 2)
        lend_ms = [time_ms(lambda r=r, c=c: lending.lend(admin, r, [c], deposit="0"))
                   for r, c in zip(residents[:rounds], codes[:rounds], strict=False)]
        return_ms = [time_ms(lambda c=c: returns.return_unit(admin, c, "完好", deposit_refund="0")) for c in codes[:rounds]]
        raw_residents, raw_codes = residents[rounds:2 * rounds], codes[rounds:2 * rounds]
        unit_ids = [m.ToolUnit.get(m.ToolUnit.asset_code == c).id for c in raw_codes]
    raw_lend, raw_return = _raw_lend_return(copy, raw_residents, unit_ids)
    return [Figure("lend_ms", median(lend_ms[1:]), "ms", "raw_sqlite_lend_ms", median(raw_lend[1:])),
            Figure("return_ms", median(return_ms[1:]), "ms", "raw_sqlite_return_ms", median(raw_return[1:]))]


def _raw_lend_return(path: Path, residents: list[int], unit_ids: list[int]) -> tuple[list[float], list[float]]:
    """The same rows written by hand, each in its own durable transaction with the app's pragmas."""
    from gridstation.core.storage.db import SQLITE_PRAGMAS

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for key, value in SQLITE_PRAGMAS.items():
            conn.execute(f"PRAGMA {key} = {value}")
        lend, back = [], []
        for n, (rid, uid) in enumerate(zip(residents, unit_ids, strict=False)):
            now = time.strftime("%Y-%m-%d %H:%M:%S")
            start = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            cur = conn.execute(
                "INSERT INTO loan (slip_no, resident_id, lent_at, due_date, deposit_fen, deposit_refunded_fen, renewals, "
                "override_reason, notes, entered_later) VALUES (?, ?, ?, ?, 0, 0, 0, '', '', 0)",
                (f"RAW{n:08d}", rid, now, now[:10]))
            conn.execute("UPDATE tool_unit SET state = '借出' WHERE id = ? AND state = '在库'", (uid,))
            conn.execute("INSERT INTO loan_item (loan_id, unit_id, parts_out, return_condition, return_notes, parts_back) "
                         "VALUES (?, ?, '[]', '', '', '[]')", (cur.lastrowid, uid))
            conn.execute("COMMIT")
            lend.append(ms_since(start))
        for uid in unit_ids:
            now = time.strftime("%Y-%m-%d %H:%M:%S")
            start = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE loan_item SET returned_at = ?, return_condition = '完好' "
                         "WHERE unit_id = ? AND returned_at IS NULL", (now, uid))
            conn.execute("UPDATE tool_unit SET state = '在库' WHERE id = ?", (uid,))
            conn.execute("COMMIT")
            back.append(ms_since(start))
        return lend, back
    finally:
        conn.close()


def labels_figure(ctx: Context) -> Figure:
    from gridstation.core.storage import models as m
    from gridstation.core.storage import settings
    from gridstation.reports.fonts import register_fonts
    from gridstation.reports.labels import label_items, render_labels

    with opened(ctx.db):
        register_fonts()
        items = label_items()[:100]
        station = settings.get("station_name")
        times = [time_ms(lambda i=i: render_labels(station, items, ctx.work_dir / f"labels{i}.pdf", layout="4x10"))
                 for i in range(4)]
        assert m.ToolUnit.select().count() >= len(items)
    return Figure("labels_pdf_ms", median(times[1:]), "ms")


def run(ctx: Context) -> list[Figure]:
    return [*lend_return_figures(ctx), labels_figure(ctx)]
