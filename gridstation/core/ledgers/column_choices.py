"""The column-mapping step: a column no alias knows, pointed at a field by the user, remembered per station.

No alias list is ever complete (a station writes 办结日期, 处理方式 or 事项 in its own way), so the user
says once which field a column holds — in the import wizard's mapping page or as ``--column 列=字段``
at the command line — and the next import of the station's ledgers of that kind finds the column by
itself. The choice is kept in the station's settings (one entry per ledger kind, ``file header ->
column key``), written in the import's own transaction and audited, as the service mapping is.
"""

from __future__ import annotations

from pathlib import Path

from gridstation.core.ledgers import ledger_read
from gridstation.core.ledgers.ledger_columns import KIND_NAMES, ColumnSpec, normalise_header
from gridstation.core.ledgers.ledger_read import Ledger
from gridstation.core.rules.errors import DomainError
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


def open_ledger(path: Path | str, kind: str) -> Ledger:
    """Read ``path`` with the detected mapping, then give the columns this station pointed at a field
    before to the fields still without a column."""
    ledger = ledger_read.open_ledger(path, kind)
    chosen = remembered(kind)
    for index, header in enumerate(ledger.sheet.headers):
        key = chosen.get(normalise_header(header))
        if key in ledger.spec and key not in ledger.mapping and index not in ledger.mapping.values():
            ledger.mapping[key] = index
    return ledger


def field_named(ledger: Ledger, text: str) -> ColumnSpec | None:
    """The field a user names by its header or one of its other names (``--column 处理方式=处置方式``)."""
    name = normalise_header(text)
    return next((spec for spec in ledger.columns if name in {normalise_header(n) for n in spec.names()}), None)


def choose_column(ledger: Ledger, header: str, field_text: str) -> ColumnSpec:
    """The user points the file's column ``header`` at the field ``field_text``; the field leaves any
    column it had, and the column any field it fed."""
    name = normalise_header(header)
    index = next((i for i, h in enumerate(ledger.sheet.headers) if name and normalise_header(h) == name), None)
    if index is None:
        raise DomainError(f"文件中没有“{header}”列，无法把它对应到“{field_text}”。")
    spec = field_named(ledger, field_text)
    if spec is None:
        names = "、".join(c.header for c in ledger.columns)
        raise DomainError(f"{KIND_NAMES[ledger.kind]}台账没有“{field_text}”这一项，可选：{names}。")
    ledger.mapping = {k: i for k, i in ledger.mapping.items() if i != index and k != spec.key} | {spec.key: index}
    return spec


def chosen_columns(ledger: Ledger) -> dict[str, str]:
    """The columns the mapping holds by the user's choice rather than by a known name: file header
    (normalised) -> column key."""
    out = {}
    for key, index in ledger.mapping.items():
        header = normalise_header(ledger.sheet.headers[index] if index < len(ledger.sheet.headers) else "")
        if header and header not in {normalise_header(n) for n in ledger.spec[key].names()}:
            out[header] = key
    return out


def how_chosen(ledger: Ledger, key: str) -> str:
    """How a column came to a field, for the dry run: "" by its name, else given now or remembered."""
    header = next((h for h, k in chosen_columns(ledger).items() if k == key), None)
    if header is None:
        return ""
    return HOW_REMEMBERED if remembered(ledger.kind).get(header) == key else HOW_GIVEN


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
