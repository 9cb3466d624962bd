"""The one rule that keeps text in a spreadsheet the app writes from running as a formula.

Names, notes, employer names and a district file's station names come from people the reader does
not control. openpyxl stores any string starting with ``=`` as a live formula (and ``#N/A`` and the
other error codes as errors), and Excel/WPS re-evaluate a cell starting with ``=``, ``+``, ``-`` or
``@`` (tab and carriage return too) as soon as someone edits it. Following the OWASP guidance on CSV
and formula injection, such text is written as an explicit string cell with Excel's "quote prefix"
(what typing a leading ``'`` produces): the reader sees exactly the text that was stored, an edit
keeps it text, and an import reads the same text back. A visible apostrophe is not added to the
value, so a round trip through the importer changes nothing. Numbers, including negative ones, are
never touched: only ``str`` values are.
"""

from __future__ import annotations

from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(value: object) -> bool:
    """True for text a spreadsheet would treat as a formula or an error value."""
    return isinstance(value, str) and (value.startswith(TRIGGERS) or value in ERROR_CODES)


def as_text(cell: Cell) -> Cell:
    """Make ``cell`` (already holding its value) a plain string cell if its text is risky."""
    if is_risky(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def xml_safe(value: object) -> object:
    """``value`` as a cell can hold it: text stored before the free-text rule refused control characters
    may hold ones XML cannot carry, and openpyxl would then fail the whole export; each becomes U+FFFD
    (�), so the file is written and shows where one was."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value


def guard_sheet(sheet: object) -> None:
    """Guard every cell of a (normal-mode) worksheet that is complete: for the small sheets built cell by cell."""
    for row in sheet.iter_rows():
        for cell in row:
            as_text(cell)
