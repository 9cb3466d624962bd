"""Where a worksheet's header is and what each of its columns is called, a two-row header included.

Stations' 花名册 often head their address with one cell merged over four (住址 over 小区 / 楼栋 /
单元 / 室) and merge every other header cell down over both rows. Read as one row, the four columns
would have no names and the row of sub-headers would be taken for a resident. So a header row
followed by a row of names standing only under the merged (or, in a CSV file, the blank-followed)
cells is read as one header: the sub-headers name the columns under them, the others keep the top
row's name, and the data begins below both. A header cell merged over several columns with no names
below cannot say which column holds what, so those columns are refused in words rather than one of
them read as the field and the others dropped in silence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from gridstation.core.ledgers.ledger_columns import ColumnSpec, detect_mapping, normalise_header
from gridstation.core.ledgers.ledger_files import Range

HEADER_SEARCH_ROWS = 10


@dataclass
class Header:
    """One worksheet's header: its last row (0-based; the data follows it) and one name per column."""

    last: int
    names: list[str]
    notes: list[str] = field(default_factory=list)  # columns refused, in words


def find_header(sheet: str, rows: list[tuple], merged: list[Range], columns: list[ColumnSpec],
                choices: dict[str, str]) -> Header | None:
    """The header among the first ten rows naming the most known (or chosen) columns; None without one."""
    best, best_hits = -1, 1
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        hits = _hits(list(row), columns, choices)
        if hits > best_hits:
            best, best_hits = i, hits
    if best < 0:
        return None
    for top in (best, best - 1):
        if 0 <= top and top + 1 < len(rows):
            by_merges = any(r1 <= top + 1 <= r2 for _c1, r1, _c2, r2 in merged)
            header = _two_rows(rows[top], rows[top + 1], _groups(rows[top], top, merged), by_merges, columns, choices)
            if header is not None:
                return Header(top + 1, header)
    names = [_name(v) for v in rows[best]]
    return Header(best, *_refuse_merged(sheet, rows, names, best, merged))


def _hits(row: list[object], columns: list[ColumnSpec], choices: dict[str, str]) -> int:
    found = detect_mapping(row, columns)
    return len(found) + sum(1 for i, v in enumerate(row) if i not in found.values() and normalise_header(v) in choices)


def _name(value: object) -> str:
    return "" if value is None else str(value).strip()


def _groups(top: tuple, index: int, merged: list[Range]) -> list[range]:
    """The header cells standing over several columns: merged across on this row, or, in a file
    without merge information (CSV), a named cell followed by blank ones."""
    row = index + 1
    touching = [r for r in merged if r[1] <= row <= r[3]]
    if touching:
        return [range(c1 - 1, c2) for c1, r1, c2, _r2 in touching if r1 == row and c2 > c1]
    groups, i = [], 0
    while i < len(top):
        end = i + 1
        while end < len(top) and _name(top[end]) == "":
            end += 1
        if _name(top[i]) and end - i > 1:
            groups.append(range(i, end))
        i = end
    return groups


def _two_rows(top: tuple, below: tuple, groups: list[range], by_merges: bool, columns: list[ColumnSpec],
              choices: dict[str, str]) -> list[str] | None:
    """The names of a two-row header, or None when ``below`` is not a row of sub-headers: it has names
    only under the groups, and the top row has at least one column of its own (a merged title over
    the whole header has none)."""
    in_group = {c for g in groups for c in g}
    filled = [i for i, v in enumerate(below) if _name(v)]
    if not filled or any(not isinstance(below[i], str) or i not in in_group for i in filled):
        return None
    if not any(_name(v) and i not in in_group for i, v in enumerate(top)):
        return None
    if not by_merges and _hits([below[i] for i in filled], columns, choices) == 0:
        return None  # without merge information only names the ledger knows tell sub-headers from data
    width = max(len(top), len(below))
    return [(_name(below[i]) if i < len(below) else "") if i in in_group else (_name(top[i]) if i < len(top) else "")
            for i in range(width)]


def _refuse_merged(sheet: str, rows: list[tuple], names: list[str], index: int,
                   merged: list[Range]) -> tuple[list[str], list[str]]:
    """A header cell merged across columns with no names below: its columns get no name (so no field
    is read from them) and the note says why, naming the merged cell by its own text."""
    notes = []
    where = f"工作表“{sheet}”的" if sheet else ""
    for c1, r1, c2, r2 in merged:
        if r1 <= index + 1 <= r2 and c2 > c1 and any(names[c1 - 1:c2]):
            area = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
            own = _name(rows[r1 - 1][c1 - 1]) if c1 <= len(rows[r1 - 1]) else ""
            notes.append(f"{where}表头“{own or names[c1 - 1]}”合并了 {area}，下面没有各列的名称，这 {c2 - c1 + 1} 列未导入。"
                         "请取消合并，为每一列写上列名后再导入。")
            names[c1 - 1:c2] = [""] * (c2 - c1 + 1)
    return names, notes
