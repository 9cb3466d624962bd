"""The column-mapping step: a column no alias knows, pointed at a field by the user, remembered per station.

No alias list is ever complete (a station writes 办结日期, 处理方式 or 事项 in its own way), so the user
says once which field a column holds — in the import wizard's mapping page or as ``--column 列=字段``
at the command line — and the next import of the station's ledgers of that kind finds the column by
itself. The choice is kept in the station's settings (one entry per ledger kind, ``file header ->
column key``), written in the import's own transaction and audited, as the service mapping is.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gridstation.core.ledgers import ledger_read
from gridstation.core.ledgers.ledger_columns import KIND_NAMES, ColumnSpec, normalise_header
from gridstation.core.ledgers.ledger_read import Ledger
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.free_text import clipped
from gridstation.core.station import audit
from gridstation.core.storage import models as m
from gridstation.core.storage import settings

HOW_GIVEN, HOW_REMEMBERED = "本次指定", "上次导入时指定"


def setting_key(kind: str) -> str:
    """The station setting that keeps the columns chosen for one kind of ledger."""
    return f"ledger_column_map_{kind}"


def remembered(kind: str) -> dict[str, str]:
    """File header (normalised) -> column key, as the station chose it at earlier imports."""
    return settings.get(setting_key(kind)) or {}


def open_ledger(path: Path | str, kind: str, given: Sequence[tuple[str, str]] = ()) -> Ledger:
    """Read ``path`` with the columns this station pointed at a field before and those ``given`` now
    (file header, field as the user names it): each applies on the sheets where that column is, and
    only where the sheet has no column of the field's own name (``ledger_read.sheet_fields``)."""
    path = Path(path)
    found = ledger_read.read_file(path)
    choices = dict(remembered(kind))
    ledger = ledger_read.ledger_of(path, found, kind, choices)
    if not given:
        return ledger
    for header, field_text in given:
        choices[normalise_header(header)] = checked_choice(ledger, header, field_text).key
    return ledger_read.ledger_of(path, found, kind, choices)


def reopen(ledger: Ledger, choices: dict[str, str]) -> Ledger:
    """The ledger read again with other column choices (the wizard's mapping page), its service choices kept."""
    again = ledger_read.open_ledger(ledger.sheet.path, ledger.kind, choices)
    again.service_map = dict(ledger.service_map)
    return again


def field_named(ledger: Ledger, text: str) -> ColumnSpec | None:
    """The field a user names by its header or one of its other names (``--column 处理方式=处置方式``)."""
    name = normalise_header(text)
    return next((spec for spec in ledger.columns if name in {normalise_header(n) for n in spec.names()}), None)


def checked_choice(ledger: Ledger, header: str, field_text: str) -> ColumnSpec:
    """The field the user points the file's column ``header`` at; refused when no sheet has that column
    or the ledger has no such field."""
    name = normalise_header(header)
    if not name or not any(normalise_header(h) == name for part in ledger.sheet.parts for h in part.headers):
        raise DomainError(f"文件中没有“{clipped(header)}”列，无法把它对应到“{clipped(field_text)}”。")
    spec = field_named(ledger, field_text)
    if spec is None:
        names = "、".join(c.header for c in ledger.columns)
        raise DomainError(f"{KIND_NAMES[ledger.kind]}台账没有“{clipped(field_text)}”这一项，可选：{names}。")
    return spec


def chosen_columns(ledger: Ledger) -> dict[str, str]:
    """The columns that feed a field by the user's choice rather than by a known name, on any sheet:
    file header (normalised) -> column key."""
    out = {}
    for part in ledger.sheet.parts:
        for key, index in part.fields.items():
            header = normalise_header(part.headers[index])
            if key in ledger.mapping and ledger.choices.get(header) == key and \
                    header not in {normalise_header(n) for n in ledger.spec[key].names()}:
                out[header] = key
    return out


def how_chosen(ledger: Ledger, key: str, header: str) -> str:
    """How a column came to a field, for the dry run: "" by its name, else given now or remembered."""
    name = normalise_header(header)
    if chosen_columns(ledger).get(name) != key:
        return ""
    return HOW_REMEMBERED if remembered(ledger.kind).get(name) == key else HOW_GIVEN


def remember(setting: str, chosen: dict[str, str]) -> dict[str, str] | None:
    """Keep the station's choices for the next import (inside the import's transaction); the earlier
    choices they replace when anything changed (the caller audits it), else None."""
    before = settings.get(setting) or {}
    after = before | chosen
    if after == before:
        return None
    settings.put(setting, after)
    return {k: before[k] for k in chosen if k in before}


def remember_columns(actor: m.Staff | None, ledger: Ledger) -> None:
    """After an import: the columns the user pointed at a field, for the station's next ledger of the kind."""
    chosen = chosen_columns(ledger)
    setting = setting_key(ledger.kind)
    if chosen and (before := remember(setting, chosen)) is not None:
        audit.record(actor, "记住列的对应", "setting", setting, before=before, after=chosen)
