"""Importing a ledger: every row checked by the rules the counter uses, then all-or-nothing (or valid rows only).

Each kind of ledger is one module of ``importers`` (residents, intakes, tools, loans, events, grids,
gridpeople) built on the shared row reader and report of ``importers.rows``; this module runs any of
them. Rows whose rules need the database (a unit already lent, a resident not registered) are written
one by one inside savepoints of a single transaction: a dry run does the same and rolls everything
back, so its report is exactly what the real import would do, down to the grids, buildings and people
it lists as made (``importers.created``). The command line and the wizard both open the file with
``column_choices.open_ledger`` (which applies the remembered column choices) and call ``run_import``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from gridstation.core.ledgers import column_choices, ledger_read
from gridstation.core.ledgers.exporters.sheet import write_table
from gridstation.core.ledgers.importers.events import EventImporter
from gridstation.core.ledgers.importers.gridpeople import GridPeopleImporter
from gridstation.core.ledgers.importers.grids import GridImporter
from gridstation.core.ledgers.importers.intakes import IntakeImporter
from gridstation.core.ledgers.importers.loans import LoanImporter
from gridstation.core.ledgers.importers.residents import ResidentImporter
from gridstation.core.ledgers.importers.rows import (
    ImportCancelled,
    Importer,
    ImportOptions,
    ImportReport,
    Job,
    Progress,
    RowView,
)
from gridstation.core.ledgers.importers.services import (
    SERVICE_MAP_SETTING,
    ServiceMatch,
    choose_service,
    match_services,
)
from gridstation.core.ledgers.importers.tools import ToolImporter
from gridstation.core.ledgers.ledger_columns import (
    EVENTS,
    GRID_PEOPLE,
    GRIDS,
    INTAKES,
    LOANS,
    RESIDENTS,
    TOOLS,
    ColumnSpec,
)
from gridstation.core.ledgers.ledger_read import Ledger
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import audit
from gridstation.core.station.roles import CLERK, require
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction

# What the command line and the import wizard use; the service matching is an intake ledger's step
# before the run, offered here so callers need one module.
__all__ = ["SERVICE_MAP_SETTING", "ImportCancelled", "ImportOptions", "ImportReport", "ServiceMatch",
           "choose_service", "mapping_lines", "match_services", "run_import", "write_skipped_report"]

IMPORTERS: dict[str, type[Importer]] = {RESIDENTS: ResidentImporter, INTAKES: IntakeImporter, TOOLS: ToolImporter,
                                        LOANS: LoanImporter, EVENTS: EventImporter, GRIDS: GridImporter,
                                        GRID_PEOPLE: GridPeopleImporter}


class _Rollback(Exception):
    """Leave the transaction without committing: a dry run, or an all-or-nothing import with a bad row."""


def run_import(ledger: Ledger, actor: m.Staff | None, options: ImportOptions | None = None, *,
               progress: Progress | None = None, cancel: Callable[[], bool] | None = None) -> ImportReport:
    """Check every row and (unless a dry run) write them in one transaction; returns what happened.

    All or nothing by default: one bad row and nothing is written. ``options.valid_only`` writes the
    good rows and reports the rest. ``cancel`` is polled as rows go by; cancelling rolls back.
    """
    require(actor, CLERK)
    options = options or ImportOptions()
    sheet = ledger.sheet
    missing = ledger.missing_required()
    if missing:
        raise DomainError(" ".join([f"文件中没有“{missing[0].header}”列（或该列没有对应上）。"
                                    "请检查表头，或在导入向导中指定对应的列。", *sheet.notes]))
    report = ImportReport(ledger.kind, sheet.path.name, len(sheet.rows), options)
    report.notes.extend(note for note in (
        sheet.sheets_read(),
        *sheet.notes,
        sheet.blank_rows and f"{sheet.places(sheet.blank_rows)}为空行，已跳过。",
        sheet.total_rows and f"{sheet.places(sheet.total_rows)}为合计或小计行，已跳过。") if note)
    job = Job(ledger, actor, options, report, progress, cancel, total=2 * len(ledger.sheet.rows))
    importer = IMPORTERS[ledger.kind](job)
    items = []
    template = has_template_columns(ledger)
    for number, values in ledger.sheet.rows:
        if template and is_sample(ledger, values):
            report.notes.append(f"{sheet.place(number)}是模板中的示例行（未改动），已跳过。")
            job.tick()
            continue
        row = RowView(ledger, number, values)
        item = importer.convert(row)
        report.problems.extend(row.problems)
        if item is not None and not row.problems:
            items.append(item)
        job.tick()
    items = importer.group(items)
    if report.problems and not options.valid_only and not options.dry_run:
        return _refused(report, actor)
    if options.dry_run and not importer.checks_by_writing:
        importer.write(items)
        return _with_created(report, job)
    try:
        with write_transaction():
            importer.write(items)
            if options.dry_run or (report.problems and not options.valid_only):
                raise _Rollback
            audit.record(actor, "导入", ledger.kind, report.file, after={
                "rows": report.rows, "created": report.created, "updated": report.updated,
                "existing": report.existing, "registered": report.registered, "bad_rows": len(report.bad_rows),
                "valid_only": options.valid_only})
            if ledger.service_map and (before := column_choices.remember(SERVICE_MAP_SETTING, ledger.service_map)) is not None:
                audit.record(actor, "记住业务对应", "setting", SERVICE_MAP_SETTING, before=before, after=ledger.service_map)
            column_choices.remember_columns(actor, ledger)
            report.written = True
    except _Rollback:
        if not options.dry_run:
            report.created = report.updated = report.existing = report.registered = 0
            _refused(report, actor)
    if progress is not None:
        progress(job.total, job.total)
    return _with_created(report, job) if report.written or options.dry_run else _sorted(report)


def _with_created(report: ImportReport, job: Job) -> ImportReport:
    """The grids, buildings and people made (or a dry run would make) listed first among the notes."""
    report.notes[:0] = job.created.lines(dry_run=report.options.dry_run)
    return _sorted(report)


def has_template_columns(ledger: Ledger) -> bool:
    """The file has every column the template gives an example for: a file of a few columns of its own is
    no template, whatever its rows say."""
    return all(spec.key in ledger.mapping for spec in ledger.columns if spec.example != "")


def is_sample(ledger: Ledger, values: tuple) -> bool:
    """The template's example row left as the template wrote it: every column read holds its example
    (in a file with the template's columns, ``has_template_columns``).

    Skipped rather than refused: the template invites rows typed below it, and a file should not fail
    for a row nobody meant as data. A row changed in any cell is data and is read as such, so nothing
    typed is ever dropped; the report names the row skipped.
    """
    shown = [(spec, values[i] if i < len(values) else None) for spec in ledger.columns
             if (i := ledger.mapping.get(spec.key)) is not None]
    return all(_same_as_example(cell, spec) for spec, cell in shown)


def _same_as_example(cell: object, spec: ColumnSpec) -> bool:
    """The cell holds the column's example: as the template's typed cell, or as its text (a CSV copy)."""
    if spec.example == "":
        return ledger_read.plain(cell) is None
    expected = spec.typed_example()
    if isinstance(cell, dt.datetime) and not isinstance(expected, dt.datetime):
        cell = cell.date() if cell.time() == dt.time() else cell
    if isinstance(cell, (int, float)) and isinstance(expected, Decimal):
        cell = Decimal(str(cell))
    return cell == expected or ledger_read.text(cell) == str(spec.example)


def _refused(report: ImportReport, actor: m.Staff | None) -> ImportReport:
    """An all-or-nothing import stopped by bad rows writes no data, but the attempt is in the audit log."""
    with write_transaction():
        audit.record(actor, "导入未完成", report.kind, report.file,
                     after={"rows": report.rows, "bad_rows": len(report.bad_rows)})
    return _sorted(report)


def _sorted(report: ImportReport) -> ImportReport:
    """Problems in row order: rows refused while writing come after those refused while reading."""
    report.problems.sort(key=lambda p: p.row)
    return report


def write_skipped_report(report: ImportReport, ledger: Ledger, out: Path | str) -> Path:
    """The rows not imported, as they were in the file, with the reason: fix them there and import it again."""
    by_row = dict(ledger.sheet.rows)
    headers = ["行号", "问题说明", *ledger.sheet.headers]
    several = len(ledger.sheet.parts) > 1  # then the row number alone does not say where the row is
    rows = [[ledger.sheet.place(number) if several else number, "；".join(p.message if not p.column else f"“{p.column}”{p.message}" for p in report.problems_of(number)),
             *by_row.get(number, ())]
            for number in report.bad_rows]
    return write_table(Path(out), "未导入的行", headers, rows, wrap=[1])


def mapping_lines(ledger: Ledger) -> list[str]:
    """Which column became which field (on which sheets, when not on all), and how when the user chose
    it (this time or at an earlier import); then the columns not imported, by sheet. For the command
    line's dry run and the wizard's preview."""
    parts = ledger.sheet.parts
    lines = []
    for c in ledger.columns:
        if c.key not in ledger.mapping:
            continue
        sheets: dict[str, list[str]] = {}  # the column's name -> the sheets naming it so
        for part in parts:
            if c.key in part.fields:
                sheets.setdefault(part.headers[part.fields[c.key]], []).append(part.name)
        for header, names in sheets.items():
            said = [f"工作表{'、'.join(f'“{n}”' for n in names)}"] if len(names) < len(parts) else []
            said += [how] if (how := column_choices.how_chosen(ledger, c.key, header)) else []
            lines.append(f"“{header}”列 → {c.header}" + (f"（{'；'.join(said)}）" if said else ""))
    if len(parts) == 1:
        unused = "、".join(ledger.unused(parts[0]))
    else:
        unused = "；".join(f"工作表“{p.name}”的{'、'.join(f'“{h}”' for h in found)}"
                          for p in parts if (found := ledger.unused(p)))
    if unused:
        lines.append(f"未导入的列：{unused}")
    return lines
