"""Which stored text cells are not valid UTF-8: what ``check`` reports as damage.

The app reads such text leniently (``db.LENIENT_TEXT``: the bad bytes shown as U+FFFD) so one cell
written by another tool, or a bit flipped on disk, cannot stop an export or a list for the whole
station; but the cell is damaged all the same, and the administrator must learn which record it is.
``PRAGMA integrity_check`` does not look inside text, so each text column is read here as bytes.
"""

from __future__ import annotations

import peewee

from gridstation.core.storage import models as m
from gridstation.core.storage.db import current, is_sqlite

LIMIT = 20  # cells named; a file damaged beyond this needs a restore, not a longer list


def undecodable_text() -> list[str]:
    """One Chinese line per damaged text cell of the open SQLite database (at most ``LIMIT``)."""
    database = current()
    if not is_sqlite(database):
        return []  # PostgreSQL refuses invalid UTF-8 when it is written
    lines: list[str] = []
    for model in m.ALL_MODELS:
        table = model._meta.table_name
        for field in model._meta.sorted_fields:
            if not isinstance(field, (peewee.CharField, peewee.TextField)):
                continue
            column = field.column_name
            cursor = database.execute_sql(
                f'SELECT rowid, CAST("{column}" AS BLOB) FROM "{table}" WHERE typeof("{column}") = \'text\'')
            for rowid, raw in cursor:
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    lines.append(f"表 {table} 第 {rowid} 行的 {column} 含有无法识别的文字（不是有效的 UTF-8），"
                                 "导出和列表中显示为 �，请核对后改正。")
                    if len(lines) >= LIMIT:
                        return lines
    return lines
