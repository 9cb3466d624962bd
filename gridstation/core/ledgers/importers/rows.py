"""What every ledger import shares: a row read cell by cell, the problems found, the job and its report.

A kind of ledger is one module beside this one (``residents``, ``intakes``, ``tools``, ``loans``,
``events``, ``grids``, ``gridpeople``), an ``Importer`` whose ``convert`` reads a row without writing
and whose ``write`` stores the rows through the services the counter uses; ``ledger_import.run_import``
runs any of them. The grids, buildings and people an import makes besides are recorded on the ``Job``
(``made``; a grid a row names through ``Job.grid``), so its dry run can list them (``created``).
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from gridstation.core.grids import register
from gridstation.core.grids import rules as grid_rules
from gridstation.core.intake import residents
from gridstation.core.ledgers import ledger_read
from gridstation.core.ledgers.importers.created import GRIDS, Created
from gridstation.core.ledgers.ledger_columns import DATE, KIND_NAMES, MONEY
from gridstation.core.ledgers.ledger_read import CellProblem, Ledger
from gridstation.core.rules import idcard
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.rules.free_text import clean_text
from gridstation.core.station import catalog
from gridstation.core.storage import models as m
from gridstation.core.storage.db import current

CHUNK = 500  # rows per INSERT; well under SQLite's limit of bound variables
PROGRESS_EVERY = 200
PROBLEM_LIMIT = 200  # problems listed by a run; a file of a million bad rows is said in a page, not a million lines
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Problem:
    row: int  # the row's key (ledger_read.SHEET_STRIDE): the row Excel shows on the first sheet read
    column: str  # the header as the file writes it; "" when the whole row is concerned
    message: str
    place: str = ""  # the row in words, with its sheet when the file has several (Sheet.place)

    def line(self) -> str:
        where = (self.place or f"第{self.row}行") + (f"“{self.column}”列" if self.column else "")
        return f"{where}：{self.message}"


@dataclass(frozen=True)
class ImportOptions:
    dry_run: bool = False
    valid_only: bool = False  # import the good rows and skip the bad ones (the default is all or nothing)
    update_existing: bool = False  # residents already registered: update them instead of skipping


class ImportCancelled(DomainError):
    """The user stopped the import; the transaction was rolled back."""


@dataclass
class ImportReport:
    kind: str
    file: str
    rows: int
    options: ImportOptions
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    existing: int = 0  # already in the database and left as they were
    registered: int = 0  # residents registered from intake rows (a ledger is enough)
    written: bool = False

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems})

    def problems_of(self, row: int) -> list[Problem]:
        return [p for p in self.problems if p.row == row]

    def problem_lines(self, limit: int = PROBLEM_LIMIT) -> list[str]:
        """The first ``limit`` problems as lines, then how many more rows have one (the skipped-rows
        report still holds every row)."""
        lines = [p.line() for p in self.problems[:limit]]
        listed = {p.row for p in self.problems[:limit]}
        more = len({p.row for p in self.problems[limit:]} - listed)
        if more:
            lines.append(f"另有 {more:,} 行有问题，未逐一列出。")
        return lines

    def summary(self) -> str:
        """One paragraph for the command line, the wizard and the audit log."""
        what = KIND_NAMES[self.kind]
        counts = f"新增 {self.created} 条，更新 {self.updated} 条，已存在跳过 {self.existing} 条"
        if self.registered:
            counts += f"，新登记居民 {self.registered} 人"
        bad = len(self.bad_rows)
        if self.options.dry_run:
            if bad:
                return (f"试运行：共 {self.rows} 行，其中 {bad} 行有问题（见下）；只导入正确的行时将{counts}。"
                        "未写入任何数据。")
            return f"试运行：共 {self.rows} 行，全部通过检查；正式导入将{counts}。未写入任何数据。"
        if not self.written:
            return (f"共 {self.rows} 行，其中 {bad} 行有问题，未导入任何数据。"
                    "请修改后重新导入，或选择“只导入正确的行”。")
        skipped = f"；有问题未导入 {bad} 行" if bad else ""
        return f"已导入{what}台账 {self.file}：{counts}{skipped}。"


def missing_column(header: str, where: str = "文件", why: str = "") -> str:
    """A column a row needs that its file (or sheet) lacks: said as missing, not as an empty or bad value."""
    return (f"{where}中没有“{header}”列{why}。请在表头加上这一列，或在导入向导中（命令行用 --column 列={header}）"
            "指定文件中对应的列。")


class AlreadyThere(Exception):
    """The row's record is already in the database (a ledger imported twice): skip it, not an error."""



# ---------------------------------------------------------------- one row of the file


class RowView:
    """The cells of one row by column key, read with their column's type; problems are collected, not raised."""

    def __init__(self, ledger: Ledger, number: int, values: tuple) -> None:
        self.ledger = ledger
        self.number = number
        self.values = values
        self.problems: list[Problem] = []
        self._merged: set[str] = set()

    def fail(self, key: str | None, message: str) -> None:
        column = self.ledger.header_of(key, self.number) if key else ""
        self.problems.append(Problem(self.number, column, message, self.ledger.sheet.place(self.number)))

    def raw(self, key: str) -> object:
        """The cell as read; a merged cell below the header or a formula without its result is reported
        once (and read as empty), never taken for an empty cell in silence."""
        index = self.ledger.mapping.get(key)
        if index is None:
            return None
        merged = self.ledger.sheet.merge_at(self.number, index)
        formula = (self.number, index) in self.ledger.sheet.formulas
        if merged or formula:
            if key not in self._merged:
                self._merged.add(key)
                self.fail(key, f"位于合并单元格 {merged} 中：合并后只有第一行有值。请取消合并，并在每一行填写。"
                          if merged else "是公式，没有计算结果。请在 Excel 或 WPS 中打开并保存后再导入。")
            return None
        return self.values[index] if index < len(self.values) else None

    def _read(self, key: str, reader: Callable[[object], Any]) -> Any:
        try:
            return reader(self.raw(key))
        except CellProblem as exc:
            self.fail(key, str(exc))
            return None

    def text(self, key: str) -> str:
        return self._read(key, ledger_read.checked_text) or ""

    def plain(self, key: str) -> object:
        spec = self.ledger.spec[key]
        if spec.type == DATE:
            found = self.date(key)
            return found.isoformat() if found else None
        if spec.type == MONEY:  # in 万元 when the file's header says so: 欠薪金额（万元）
            in_wan = "万" in self.ledger.header_of(key)
            return self._read(key, lambda value: ledger_read.money(value, in_wan))
        return ledger_read.plain(self.raw(key))

    def id_number(self, key: str) -> str:
        return self._read(key, ledger_read.id_number) or ""

    def phone(self, key: str) -> str:
        return self._read(key, ledger_read.phone) or ""

    def moment(self, key: str) -> dt.datetime | None:
        return self._read(key, ledger_read.moment)

    def date(self, key: str) -> dt.date | None:
        return self._read(key, ledger_read.date)

    def flag(self, key: str) -> bool:
        """A 是/否 cell, read by the catalogue's own yes/no rule."""
        fdef = catalog.FieldDef.of({"key": key, "label": self.ledger.header_of(key), "type": "bool"})
        try:
            return bool(catalog.check_value(fdef, ledger_read.plain(self.raw(key))))
        except DomainError as exc:
            self.fail(key, exc.message)
            return False

    def check_required(self) -> None:
        for spec in self.ledger.columns:
            if spec.required and spec.key in self.ledger.mapping and ledger_read.plain(self.raw(spec.key)) is None:
                header = self.ledger.header_of(spec.key, self.number)
                if any(p.column == header for p in self.problems):
                    continue
                if self.ledger.has_column(spec.key, self.number):
                    self.fail(spec.key, f"请填写“{header}”。")
                else:
                    self.fail(None, missing_column(header, "这张工作表"))

    def refuse(self, exc: DomainError, fields: dict[str, str] | None = None) -> None:
        """Report a shared rule's refusal under the column it concerns."""
        self.fail(column_of(self.ledger, exc, fields), exc.message)


def column_of(ledger: Ledger, exc: DomainError, fields: dict[str, str] | None = None) -> str | None:
    """The column key a refusal concerns: by the rule's field name, else by the column named in its message."""
    if exc.field:
        key = (fields or {}).get(exc.field, exc.field)
        if key in ledger.spec:
            return key
    named = [c for c in ledger.columns if c.key in ledger.mapping and
             (exc.message.startswith(c.header) or f"“{c.header}”" in exc.message)]
    return max(named, key=lambda c: len(c.header)).key if named else None


# ---------------------------------------------------------------- the import job


@dataclass
class Job:
    ledger: Ledger
    actor: m.Staff | None
    options: ImportOptions
    report: ImportReport
    progress: Progress | None
    cancel: Callable[[], bool] | None
    done: int = 0
    total: int = 0
    created: Created = field(default_factory=Created)  # grids, buildings and people made (kept rows only)
    _pending: Created | None = None  # made by the item being written, kept only if it is

    def made(self, what: str, key: object, name: str) -> None:
        """Record a grid, building or person the import makes (``created``)."""
        (self._pending if self._pending is not None else self.created).add(what, key, name)

    def grid(self, text: str, *, include_closed: bool = False) -> m.Grid | None:
        """The grid a row names by code or unique name, made from the ledger when the station has none of
        that name (listed in the dry run); None for an empty cell. A name several grids share is refused
        with their codes. ``include_closed``: an old event's grid may be one closed since."""
        name = clean_text(text, "网格名称", register.NAME_LIMIT + 22, field="grid")
        if not name:
            return None
        try:
            return register.find_grid(name, include_closed=include_closed)
        except NotFound:
            top = register.community()  # a name alone: one of the grids the community is divided into
            grid = register.add_from_ledger(self.actor, register.GridInput(
                name=name, level=grid_rules.level_under(top.level) if top else "四级", parent=top.code if top else ""))
        self.made(GRIDS, grid.code, grid.name)
        return grid

    def tick(self, n: int = 1) -> None:
        before = self.done
        self.done += n
        if before // PROGRESS_EVERY != self.done // PROGRESS_EVERY or self.done == self.total:
            if self.cancel is not None and self.cancel():
                raise ImportCancelled("导入已取消，没有写入任何数据。")
            if self.progress is not None:
                self.progress(self.done, self.total)

    def fail(self, rows: list[int], key: str | None, message: str) -> None:
        self.report.problems.extend(Problem(r, self.ledger.header_of(key, r) if key else "", message,
                                            self.ledger.sheet.place(r)) for r in rows)

    def each_in_savepoint(self, items: list[Any], write: Callable[[Any], None],
                          rows_of: Callable[[Any], list[int]], fields_of: Callable[[Any], dict[str, str]]) -> None:
        """Write items one by one; a refused item is rolled back alone and reported on its rows."""
        for item in items:
            self._pending = Created()
            try:
                with current().atomic():
                    write(item)
                self.created.merge(self._pending)
            except AlreadyThere as there:
                self.report.existing += 1
                self.report.notes.append(str(there))
            except ImportCancelled:
                raise
            except DomainError as exc:
                self.fail(rows_of(item), column_of(self.ledger, exc, fields_of(item)), exc.message)
            finally:
                self._pending = None
            self.tick(len(rows_of(item)))


class Importer(ABC):
    """One kind of ledger: ``convert`` reads a row (no database writes), ``write`` stores the rows."""

    # Rules that need the database run while writing; a dry run then writes and rolls back.
    checks_by_writing = True

    def __init__(self, job: Job) -> None:
        self.job = job

    @abstractmethod
    def convert(self, row: RowView) -> Any:
        """The row's values in stored form, or DomainError naming the bad column."""

    def group(self, items: list[Any]) -> list[Any]:
        return items

    @abstractmethod
    def write(self, items: list[Any]) -> None:
        """Store converted rows inside the import's transaction."""



def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def resident_for(number: str, name: str) -> m.Resident:
    """The registered resident of an intake or loan row; the row's name must match the record."""
    resident = residents.find_by_document(number)
    if resident is None:
        raise DomainError(f"证件号码 {idcard.mask_id(number)} 的居民尚未登记。请先导入居民台账或新增居民。",
                          field="doc_number")
    return same_name(resident, name)


def same_name(resident: m.Resident, name: str) -> m.Resident:
    """A row naming a registered resident must name them as the register does."""
    if name and " ".join(name.split()) != resident.name:
        raise DomainError(f"姓名“{name}”与居民档案中的“{resident.name}”不一致，请核对。", field="name")
    return resident

