"""The audit log: every change, print, export and sign-in, in a hash chain that shows tampering.

The chain alone shows an entry edited, inserted or removed in the middle, but not the newest
entries cut off the end: what is left is still a valid chain. So the head (the last entry's id and
hash) is also kept outside the table, after every committed write: in a small file beside a SQLite
database (``gridstation.db.audit-head``), and for a server database in this PC's data folder; and
every backup holds the head the log had when it was copied. ``verify_chain`` checks that each of
these heads is still in the log.

Checking only at ``verify`` was not enough: the next ordinary save overwrote the head file with
the new, shorter log's head, and the cut was gone for good. So every write first checks the head it
is about to replace (``_check_head``): the entry the head names must still be in the log with the
same hash. A head the log no longer holds, and no restore explains, becomes a 篡改发现 entry in the
log itself, written in the same transaction as the save (so it is chained like any entry, and
cutting it off is found the same way); ``verify_chain`` reports it until an administrator
acknowledges it (``acknowledge_findings``, itself an entry, whose id the head file then keeps: an
acknowledgement the head file does not name was written by hand). The save is not refused: the station
keeps working, and the finding says what was lost and when it was noticed.

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
from gridstation.core.rules.errors import DomainError
from gridstation.core.station.roles import ADMIN, HEAD, require
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.core.storage import paths, postgres

TAMPER_FOUND, TAMPER_ACKNOWLEDGED, RESTORED = "发现篡改", "确认篡改发现", "恢复"


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
    _check_head()
    entry = _append(username, action, entity, entity_id, before, after)
    dbmod.after_commit(_write_anchor)
    return entry


def _append(username: str, action: str, entity: str, entity_id: object, before: Any, after: Any) -> m.AuditLog:
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
    return m.AuditLog.create(**row, prev_hash=prev_hash, hash=_digest(row, prev_hash))


def _check_head() -> None:
    """Before a write moves the head: the head kept outside must still be in the log, else a finding.

    A head that lags behind the log is normal (a power cut before it was written; on a server,
    other PCs' writes): only a head the log no longer holds is a finding. A restore rewinds the
    log on purpose and names the heads it replaced (``replaced_heads``), so the head file it left
    behind is not one; nor is a head already recorded as a finding (a second entry in the same
    save, or a head file that could not be rewritten).
    """
    anchored = _anchored_head()
    if anchored is None or _holds(anchored) or _explained(anchored):
        return
    last = m.AuditLog.select(m.AuditLog.id, m.AuditLog.hash).order_by(m.AuditLog.id.desc()).first()
    _append("系统", TAMPER_FOUND, "audit_log", anchored.entry_id, before=None, after={
        "head": head_record(anchored.entry_id, anchored.hash),
        "log_ends_at": head_record(last.id, last.hash) if last else None,
        "reason": f"{anchored.source}记录的最新一条已不在日志中或与之不符（最新的记录被删除或替换）"})


def head_record(entry_id: int, digest: str) -> str:
    """A head as the log's own entries name it (a restore's replaced heads, a finding)."""
    return f"{entry_id}:{digest}"


def _holds(head: Head) -> bool:
    row = m.AuditLog.get_or_none(m.AuditLog.id == head.entry_id)
    return row is not None and row.hash == head.hash


def _explained(head: Head) -> bool:
    wanted = head_record(head.entry_id, head.hash)
    for row in m.AuditLog.select(m.AuditLog.action, m.AuditLog.after).where(
            m.AuditLog.action.in_([RESTORED, TAMPER_FOUND])):
        after = entry_payload(row.after)
        replaced = after.get("replaced_heads")
        if (isinstance(replaced, list) and wanted in replaced) or after.get("head") == wanted:
            return True
    return False


def entry_payload(after: str) -> dict[str, Any]:
    """An entry's ``after`` as the object the program writes; anything else (edited by hand: not
    JSON, a list, a number) as an empty one. Such an entry explains nothing, so the head it was
    meant to excuse becomes a finding; every save crashed on it before."""
    try:
        value = json.loads(after or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def open_findings() -> list[m.AuditLog]:
    """篡改发现 entries no administrator has acknowledged yet, oldest first.

    An acknowledgement counts only when the head file names it (or a later one): the chain has no
    key, so whoever cut the log could append a well-formed acknowledgement in the same breath; the
    head file, written only by ``acknowledge_findings``, is what he would have to reach as well.
    """
    accepted = m.AuditLog.action == TAMPER_ACKNOWLEDGED
    limit = _accepted_acknowledgement()
    if limit is not None:
        accepted &= m.AuditLog.id <= limit
    acknowledged = m.AuditLog.select(m.AuditLog.id).where(accepted).order_by(m.AuditLog.id.desc()).first()
    since = acknowledged.id if acknowledged else 0
    return list(m.AuditLog.select().where((m.AuditLog.action == TAMPER_FOUND) & (m.AuditLog.id > since))
                .order_by(m.AuditLog.id))


def acknowledge_findings(actor: m.Staff | None) -> int:
    """An administrator has seen the findings (and dealt with them): verify stops reporting them.

    The acknowledgement is an entry naming the findings it closes, so the log keeps both the
    finding and who set it aside when.
    """
    require(actor, ADMIN)
    with dbmod.write_transaction():
        findings = open_findings()
        if not findings:
            raise DomainError("没有待确认的篡改发现。")
        entry = record(actor, TAMPER_ACKNOWLEDGED, "audit_log", findings[-1].id,
                       after={"findings": [f.id for f in findings]})
        dbmod.after_commit(lambda: _write_anchor(acknowledged=entry.id))
    return len(findings)


def _accepted_acknowledgement() -> int | None:
    """The newest acknowledgement the head file vouches for; None when every one in the log counts:
    a server station (each PC keeps its own head, and another PC's acknowledgement is as good), a
    head file missing or written before acknowledgements were kept in it."""
    if not dbmod.is_sqlite(dbmod.current()):
        return None
    anchored = _anchored_head()
    return anchored.acknowledged if anchored else None


def _last_acknowledgement() -> int:
    last = m.AuditLog.select(m.AuditLog.id).where(
        m.AuditLog.action == TAMPER_ACKNOWLEDGED).order_by(m.AuditLog.id.desc()).first()
    return last.id if last else 0


@dataclass(frozen=True)
class Head:
    """The chain's last entry as some place outside the table remembers it."""

    entry_id: int
    hash: str
    source: str  # where it was kept, as shown to people: 链头文件, 备份 gridstation-….db
    acknowledged: int | None = None  # the head file's newest accepted acknowledgement (None: not kept)


def anchor_path(target: str) -> Path:
    """Beside a database file; for a server, in this PC's data folder, one file per server database."""
    if not dbmod.is_url(target):
        return Path(f"{target}.audit-head")
    key = hashlib.sha256(dbmod.describe(target).encode("utf-8")).hexdigest()[:16]
    return paths.data_dir() / "audit-heads" / f"{key}.txt"


def _write_anchor(acknowledged: int | None = None) -> None:
    """Keep the committed head outside the table (read back, so only committed entries count), with
    the newest acknowledgement an administrator made (``acknowledged``, else the one the file
    already names; a file without one adopts the log's, once).

    The record has a fixed length and is overwritten in place: a rename per save cost several
    milliseconds on a busy disk, an in-place write of one short record a few microseconds, and a
    write this short does not tear.
    """
    last = m.AuditLog.select(m.AuditLog.id, m.AuditLog.hash).order_by(m.AuditLog.id.desc()).first()
    path = anchor_path(dbmod.current_target())
    if acknowledged is None:
        kept = _anchored_head()
        acknowledged = kept.acknowledged if kept and kept.acknowledged is not None else _last_acknowledgement()
    try:
        if last is None:
            path.unlink(missing_ok=True)
            return
        record = f"{last.id:012d} {last.hash} {acknowledged:012d}\n".encode("ascii")
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
    """A new log: the head outside follows it, acknowledgements included (a head file left by a
    deleted database vouches for nothing in it)."""
    _write_anchor(acknowledged=_last_acknowledgement())


def anchored_record(target: str) -> str | None:
    """The head file of ``target`` as a ``head_record`` (a restore names the heads it replaces)."""
    head = _anchored_head(target)
    return head_record(head.entry_id, head.hash) if head else None


def _anchored_head(target: str = "") -> Head | None:
    path = anchor_path(target or dbmod.current_target())
    try:
        entry_id, digest, *acknowledged = path.read_text(encoding="ascii").split()
        return Head(int(entry_id), digest, "链头文件", int(acknowledged[0]) if acknowledged else None)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, UnicodeDecodeError):
        return Head(0, "", "链头文件（已损坏）")


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    reason: str


def first_break(rows: Iterable[dict[str, Any]]) -> ChainProblem | None:
    """The first of ``rows`` (the log in id order, as dicts) whose hash or link is wrong.

    The rows may come from the open database or straight from a backup file (a restore checks the
    chain before the file replaces anything): ``at`` is hashed as the text SQLite keeps.
    """
    prev_hash = ""
    for row in rows:
        if row["prev_hash"] != prev_hash:
            return ChainProblem(row["id"], "与上一条记录的链接不符（前面的记录被删除或插入）")
        if _digest(row, prev_hash) != row["hash"]:
            return ChainProblem(row["id"], "内容与校验值不符（记录被修改）")
        prev_hash = row["hash"]
    return None


def verify_chain(heads: Iterable[Head] = ()) -> ChainProblem | None:
    """The first entry whose hash or link is wrong (edited, removed or inserted), or a head kept
    outside the table (the head file, and ``heads`` from backups) that the log no longer holds."""
    broken = first_break(m.AuditLog.select().order_by(m.AuditLog.id).dicts().iterator())
    if broken is not None:
        return broken
    anchored = _anchored_head()
    for head in [*([anchored] if anchored else []), *heads]:
        if not _holds(head):
            return ChainProblem(head.entry_id, f"{head.source}记录的最新一条已不在日志中或与之不符"
                                               "（最新的记录被删除或替换）")
    findings = open_findings()
    if findings:
        first = findings[0]
        return ChainProblem(first.id, f"{first.at:%Y-%m-%d %H:%M} 保存时发现："
                                      f"{entry_payload(first.after).get('reason', '内容无法读取')}；共 {len(findings)} 次发现，"
                                      "管理员确认（gridstation audit acknowledge）之前一直报告")
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
