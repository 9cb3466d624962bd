"""export_intakes_s: exporting the last year's intake list (the 受理台账 with every column) to .xlsx,
beside openpyxl_write_only_s: openpyxl's write-only mode writing the same rows, already in memory,
with no formatting (target: within 1.5x); export_intakes_vs_xlsxwriter_s: the same export beside
XlsxWriter's constant-memory mode writing the same rows, the fastest writer at hand.

The export is the real one (``export_rows``: the filtered query, masked ID numbers, service fields,
formats, formula safety, the atomic save and the audit entry), on a copy of the cached database.
The baseline gets the exact cell values the export wrote, so the ratio is the exporter's own cost.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from common import Context, Figure, opened

from gridstation.core.rules import clock


def write_only_pass(path: Path, header: list[str], rows: list[list[object]]) -> float:
    """Seconds openpyxl's write-only mode needs to write ``rows``: the floor for any export."""
    from openpyxl import Workbook

    start = time.perf_counter()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("受理台账")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return time.perf_counter() - start


def constant_memory_pass(path: Path, header: list[str], rows: list[list[object]]) -> float:
    """Seconds XlsxWriter's constant-memory mode needs to write ``rows``, as plain values like the baseline above."""
    import xlsxwriter

    start = time.perf_counter()
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("受理台账")
    sheet.write_row(0, 0, header)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, row)
    workbook.close()
    return time.perf_counter() - start


def run(ctx: Context) -> list[Figure]:
    from gridstation.core.intake import intakes
    from gridstation.core.ledgers import ledger_export

    db = ctx.copy_db("ledger-export.db")
    today = clock.today()
    year = intakes.IntakeFilter(date_from=today - dt.timedelta(days=365), date_to=today)
    out = ctx.work_dir / "intakes.xlsx"
    with opened(db):
        start = time.perf_counter()
        count = ledger_export.export_rows("intakes", year, out, actor=None)
        export_s = time.perf_counter() - start
        header = [c.header for c in ledger_export.EXPORTS["intakes"].columns(False)]
        rows = list(ledger_export.EXPORTS["intakes"].records(year, False))
    if count != len(rows) or not count:
        raise RuntimeError(f"export wrote {count} rows, the filter holds {len(rows)}")
    baseline_s = write_only_pass(ctx.work_dir / "baseline.xlsx", header, rows)
    xlsxwriter_s = constant_memory_pass(ctx.work_dir / "xlsxwriter.xlsx", header, rows)
    return [Figure("export_intakes_s", export_s, "s", "openpyxl_write_only_s", baseline_s),
            Figure("export_intakes_vs_xlsxwriter_s", export_s, "s", "xlsxwriter_constant_memory_s", xlsxwriter_s),
            Figure("export_intakes_rows", count, "rows")]
