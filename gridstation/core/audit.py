"""The audit log: every change, print, export and sign-in, in a hash chain that shows tampering."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from gridstation.core import db as dbmod
from gridstation.core import models as m


def _digest(row: dict[str, Any], prev_hash: str) -> str:
    fields = [
        prev_hash,
        row["at"].isoformat(sep=" ") if hasattr(row["at"], "isoformat") else str(row["at"]),
        row["username"], row["action"], row["entity"], str(row["entity_id"]), row["before"],
        row["after"],
    ]
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()


def _json(value: Any) -> str:
    if value is None or value == "":
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _clip(value: str, field) -> str:
    """At most the column's length: PostgreSQL refuses longer text (SQLite keeps it), and an audit
    entry must never make the change it records fail (a login name typed at length, many settings
    keys saved at once). The full values are in ``before``/``after``."""
    return value[:field.max_length]


def record(
    actor: m.Staff | None | str,
    action: str,
    entity: str = "",
    entity_id: object = "",
    *,
    before: Any = None,
    after: Any = None,
) -> m.AuditLog:
    """Append one entry. Call inside the write's transaction so the entry and the change commit together.

    On PostgreSQL the station's write lock is taken here too (write_transaction already holds it; a
    caller with a plain transaction gets it now), so two windows cannot both read the same last hash
    and fork the chain.
    """
    username = actor if isinstance(actor, str) else (actor.username if actor else "系统")
    database = dbmod.current()
    if not dbmod.is_sqlite(database):
        from gridstation.core import postgres  # only a server station pays for the import

        postgres.lock_writes(database)
    last = m.AuditLog.select(m.AuditLog.hash).order_by(m.AuditLog.id.desc()).first()
    prev_hash = last.hash if last else ""
    row = {
        "at": m.now(),
        "username": _clip(username, m.AuditLog.username),
        "action": _clip(action, m.AuditLog.action),
        "entity": _clip(entity, m.AuditLog.entity),
        "entity_id": _clip(str(entity_id), m.AuditLog.entity_id),
        "before": _json(before),
        "after": _json(after),
    }
    return m.AuditLog.create(**row, prev_hash=prev_hash, hash=_digest(row, prev_hash))


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    reason: str


def verify_chain() -> ChainProblem | None:
    """The first entry whose hash or link is wrong (edited, removed or inserted), or None."""
    prev_hash = ""
    query = m.AuditLog.select().order_by(m.AuditLog.id).dicts().iterator()
    for row in query:
        if row["prev_hash"] != prev_hash:
            return ChainProblem(row["id"], "与上一条记录的链接不符（前面的记录被删除或插入）")
        if _digest(row, prev_hash) != row["hash"]:
            return ChainProblem(row["id"], "内容与校验值不符（记录被修改）")
        prev_hash = row["hash"]
    return None


def query_entries(actor: m.Staff | None, *, username: str = "", action: str = "",
                  date_from: dt.date | None = None, date_to: dt.date | None = None):
    """The log as the head and the admin may read it, newest first (clerks are refused)."""
    from gridstation.core.accounts import HEAD, require

    require(actor, HEAD)
    q = m.AuditLog.select()
    if username.strip():
        q = q.where(m.AuditLog.username == username.strip())
    if action:
        q = q.where(m.AuditLog.action == action)
    if date_from:
        q = q.where(m.AuditLog.at >= dt.datetime.combine(date_from, dt.time()))
    if date_to:
        q = q.where(m.AuditLog.at < dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time()))
    return q.order_by(m.AuditLog.id.desc())


def known_actions() -> list[str]:
    return [r.action for r in m.AuditLog.select(m.AuditLog.action).distinct().order_by(m.AuditLog.action)]
