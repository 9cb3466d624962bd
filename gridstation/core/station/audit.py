"""The audit log: every change, print, export and sign-in, in a hash chain that shows tampering.

The chain alone shows an entry edited, inserted or removed in the middle, but not the newest
entries cut off the end: what is left is still a valid chain. So the head (the last entry's id and
hash) is also kept outside the table, after every committed write: in a small file beside a SQLite
database (``gridstation.db.audit-head``), and for a server database in this PC's data folder; and
every backup holds the head the log had when it was copied. ``verify_chain`` checks that each of
these heads is still in the log.

What that cannot prove: someone who can also rewrite the head file (same folder, same rights) and
every backup can still cut entries off unnoticed; on a server, only entries written or seen by this
PC are anchored here; a head written just before a power cut may lag behind, so the last entries
before it are not covered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gridstation.core.rules import clock
from gridstation.core.station.roles import HEAD, require
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.core.storage import paths, postgres


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

        postgres.lock_writes(database)
    last = m.AuditLog.select(m.AuditLog.hash).order_by(m.AuditLog.id.desc()).first()
    prev_hash = last.hash if last else ""
    row = {
        "at": clock.now(),
        "username": _clip(username, m.AuditLog.username),
        "action": _clip(action, m.AuditLog.action),
        "entity": _clip(entity, m.AuditLog.entity),
        "entity_id": _clip(str(entity_id), m.AuditLog.entity_id),
        "before": _json(before),
        "after": _json(after),
    }
    entry = m.AuditLog.create(**row, prev_hash=prev_hash, hash=_digest(row, prev_hash))
    dbmod.after_commit(_write_anchor)
    return entry


@dataclass(frozen=True)
class Head:
    """The chain's last entry as some place outside the table remembers it."""

    entry_id: int
    hash: str
    source: str  # where it was kept, as shown to people: 链头文件, 备份 gridstation-….db


def anchor_path(target: str) -> Path:
    """Beside a database file; for a server, in this PC's data folder, one file per server database."""
    if not dbmod.is_url(target):
        return Path(f"{target}.audit-head")
    key = hashlib.sha256(dbmod.describe(target).encode("utf-8")).hexdigest()[:16]
    return paths.data_dir() / "audit-heads" / f"{key}.txt"


def _write_anchor() -> None:
    """Keep the committed head outside the table (read back, so only committed entries count).

    The record has a fixed length and is overwritten in place: a rename per save cost several
    milliseconds on a busy disk, an in-place write of one short record a few microseconds, and a
    write this short does not tear.
    """
    last = m.AuditLog.select(m.AuditLog.id, m.AuditLog.hash).order_by(m.AuditLog.id.desc()).first()
    path = anchor_path(dbmod.current_target())
    try:
        if last is None:
            path.unlink(missing_ok=True)
            return
        record = f"{last.id:012d} {last.hash}\n".encode("ascii")
        try:
            with open(path, "r+b") as anchor:
                anchor.write(record)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(record)
    except OSError:
        pass  # a read-only folder: the save stands, verify_chain just proves less (see the docstring)


def move_anchor(old_target: str, new_target: str) -> None:
    """A database file renamed into place (first-run setup) keeps its head file beside it."""
    old = anchor_path(old_target)
    if old.exists():
        os.replace(old, anchor_path(new_target))


def reset_anchor() -> None:
    """After a restore the log is older on purpose: the head outside follows it."""
    _write_anchor()


def _anchored_head() -> Head | None:
    path = anchor_path(dbmod.current_target())
    try:
        entry_id, digest = path.read_text(encoding="ascii").split()
        return Head(int(entry_id), digest, "链头文件")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, UnicodeDecodeError):
        return Head(0, "", "链头文件（已损坏）")


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    reason: str


def verify_chain(heads: Iterable[Head] = ()) -> ChainProblem | None:
    """The first entry whose hash or link is wrong (edited, removed or inserted), or a head kept
    outside the table (the head file, and ``heads`` from backups) that the log no longer holds."""
    prev_hash = ""
    query = m.AuditLog.select().order_by(m.AuditLog.id).dicts().iterator()
    for row in query:
        if row["prev_hash"] != prev_hash:
            return ChainProblem(row["id"], "与上一条记录的链接不符（前面的记录被删除或插入）")
        if _digest(row, prev_hash) != row["hash"]:
            return ChainProblem(row["id"], "内容与校验值不符（记录被修改）")
        prev_hash = row["hash"]
    anchored = _anchored_head()
    for head in [*([anchored] if anchored else []), *heads]:
        row = m.AuditLog.get_or_none(m.AuditLog.id == head.entry_id)
        if row is None or row.hash != head.hash:
            return ChainProblem(head.entry_id, f"{head.source}记录的最新一条已不在日志中或与之不符"
                                               "（最新的记录被删除或替换）")
    return None


def query_entries(actor: m.Staff | None, *, username: str = "", action: str = "",
                  date_from: dt.date | None = None, date_to: dt.date | None = None):
    """The log as the head and the admin may read it, newest first (clerks are refused)."""
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
