"""Formula cells an .xlsx workbook holds without their result.

Excel saves each formula with the value it computed, and that value is what the import reads. A
workbook written by a script or a web system (openpyxl, many exporters) stores the formula alone:
calamine then gives an empty cell, and a phone typed as ``=13800000000`` would be imported as no
phone at all. This finds those cells so the import can name them instead of reading them as empty.
Only .xlsx/.xlsm keep formulas as text this way; .xls and .ods always store the result.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from openpyxl.utils import column_index_from_string

Cell = tuple[int, int]  # (row, column), 0-based as the rows of ledger_files are
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_START = re.compile(rb"<(?:\w+:)?c\s([^>]*)>")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_VALUE = re.compile(rb"<(?:\w+:)?v>\s*[^<\s]")
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_STRING_RESULT = re.compile(rb'\bt="str"')  # a formula whose result is text, possibly empty


def uncached_formulas(path: Path) -> dict[str, set[Cell]]:
    """Worksheet name -> the cells holding a formula with no stored result; {} for any other file, or
    when the parts cannot be read (calamine, which read the cells, is the judge of damage)."""
    try:
        with zipfile.ZipFile(path) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                return {}
            found = {}
            for name, part in sheet_parts(archive).items():
                if _has_formula(archive, part):
                    found[name] = _cells(archive.read(part))
            return found
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError):
        return {}


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet name -> its part in the archive, through the workbook's relationships."""
    targets = {rel.get("Id"): rel.get("Target", "")
               for rel in ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels")).iter(f"{_PACKAGE_REL}Relationship")}
    parts = {}
    for sheet in ElementTree.fromstring(archive.read("xl/workbook.xml")).iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        if target:
            parts[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    return parts


def _has_formula(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether a worksheet holds any formula, read a megabyte at a time: most ledgers hold none, and a
    sheet is not held in memory a second time to learn it."""
    with archive.open(part) as stream:
        tail = b""
        while chunk := stream.read(1 << 20):
            if _FORMULA.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _cells(data: bytes) -> set[Cell]:
    """The cells of one worksheet's XML whose formula has no value (and no text result)."""
    cells = set()
    for formula in _FORMULA.finditer(data):
        # the last cell opened before the formula is the one holding it
        start = next(reversed(list(_CELL_START.finditer(data, max(0, formula.start() - 400), formula.start()))), None)
        end = _CELL_END.search(data, formula.end())
        if start is None or end is None:
            continue
        attributes, body = start.group(1), data[formula.end():end.start()]
        reference = _REF.search(attributes)
        if reference is None or _VALUE.search(body) or _STRING_RESULT.search(attributes):
            continue
        cells.add((int(reference.group(2)) - 1, column_index_from_string(reference.group(1).decode()) - 1))
    return cells
