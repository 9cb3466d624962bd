"""The counter's two waits: finding a resident and saving an intake.

- ``resident_search_p95_ms``: gridstation.core.intake.residents.search over a mix of what staff type (full
  ID number, its last 4 digits, phone, its last 4 digits, name, pinyin initials, full pinyin) for
  sampled residents, beside the same rows fetched by the raw sqlite3 indexed query (target: p95
  under 30 ms). Each query's rows are checked to be the same in both, so the baseline is honest.
- ``intake_save_ms``: median of intakes.create_intake (serial, history, audit entry, one durable
  commit) after the first, beside a raw sqlite3 INSERT of one intake row committed with the same
  pragmas. Written to a copy of the cached database.
"""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path

from common import Context, Figure, median, ms_since, opened, p95, time_ms

from gridstation.core.rules.pinyin_keys import prefix_end

RESIDENTS_SAMPLED = 50
SAVES = 30

# The indexed statement for each kind of query, returning rows in the order search() shows them.
BY_DOC = "SELECT * FROM resident WHERE doc_number = ? ORDER BY name, id LIMIT 50"
BY_PHONE = "SELECT * FROM resident WHERE phone = ? ORDER BY name, id LIMIT 50"
BY_LAST_DIGITS = (
    "SELECT * FROM resident WHERE id IN ("
    "SELECT id FROM (SELECT id FROM resident WHERE doc_rev >= ? AND doc_rev < ? LIMIT 50) "
    "UNION SELECT id FROM (SELECT id FROM resident WHERE phone_rev >= ? AND phone_rev < ? LIMIT 50)) "
    "ORDER BY name, id LIMIT 50")
BY_NAME = "SELECT * FROM resident WHERE name >= ? AND name < ? ORDER BY name, id LIMIT 50"
# Closest keys first (the app lists 谢刚 for xg before 于国睿, found by xgr): each resident once, at its
# first key in key order.
BY_KEY = ("SELECT r.* FROM (SELECT resident_id, key, id, ROW_NUMBER() OVER (PARTITION BY resident_id ORDER BY key, id)"
          " AS rn FROM resident_key WHERE key >= ? AND key < ?) k JOIN resident r ON r.id = k.resident_id"
          " WHERE k.rn = 1 ORDER BY k.key, k.id LIMIT 50")


def queries(conn: sqlite3.Connection, count: int) -> list[tuple[str, str, tuple]]:
    """(kind, typed text, raw statement and parameters) for ``count`` residents picked at random."""
    rng = random.Random(20250103)
    top = conn.execute("SELECT MAX(id) FROM resident").fetchone()[0]
    out = []
    for resident_id in sorted(rng.sample(range(1, top + 1), min(count, top))):
        name, doc, phone = conn.execute("SELECT name, doc_number, phone FROM resident WHERE id = ?",
                                        (resident_id,)).fetchone()
        keys = sorted((k for (k,) in conn.execute("SELECT key FROM resident_key WHERE resident_id = ?", (resident_id,))),
                      key=len)
        out.append(("身份证号", doc, (BY_DOC, (doc,))))
        if doc[-1] != "X":
            last = doc[-4:]
            out.append(("身份证后4位", last, (BY_LAST_DIGITS, _last_digits(last))))
        if len(phone) == 11 and phone.startswith("1"):
            out.append(("手机号", phone, (BY_PHONE, (phone,))))
            out.append(("手机后4位", phone[-4:], (BY_LAST_DIGITS, _last_digits(phone[-4:]))))
        out.append(("姓名", name, (BY_NAME, (name, prefix_end(name)))))
        if keys:
            out.append(("拼音首字母", keys[0], (BY_KEY, (keys[0], prefix_end(keys[0])))))
            out.append(("全拼", keys[-1], (BY_KEY, (keys[-1], prefix_end(keys[-1])))))
    return out


def _last_digits(text: str) -> tuple[str, str, str, str]:
    rev = text[::-1]
    return rev, prefix_end(rev), rev, prefix_end(rev)


def search_figure(ctx: Context) -> Figure:
    from gridstation.core.intake.residents import search

    conn = sqlite3.connect(ctx.db)
    try:
        mix = queries(conn, RESIDENTS_SAMPLED if not ctx.quick else RESIDENTS_SAMPLED // 2)
        raw_ms, app_ms = [], []
        with opened(ctx.db):
            for _kind, text, (sql, params) in mix:  # warm both paths' caches once, and compare the rows
                app_ids = [r.id for r in search(text)]
                raw_ids = [row[0] for row in conn.execute(sql, params).fetchall()]
                if app_ids != raw_ids:
                    raise RuntimeError(f"search({text!r}) found {app_ids[:5]}..., the raw query {raw_ids[:5]}...")
            for _kind, text, (sql, params) in mix:
                app_ms.append(time_ms(lambda text=text: search(text)))
                raw_ms.append(time_ms(lambda sql=sql, params=params: conn.execute(sql, params).fetchall()))
    finally:
        conn.close()
    return Figure("resident_search_p95_ms", p95(app_ms), "ms", "raw_sqlite_search_p95_ms", p95(raw_ms))


def save_figure(ctx: Context) -> Figure:
    from gridstation.core.station import catalog

    copy = ctx.copy_db("intake.db")
    app_ms, ids = timed_saves(ctx, str(copy))
    with opened(copy):
        service_id = catalog.get_service(catalog.UNEMPLOYMENT).id
    return Figure("intake_save_ms", median(app_ms[1:]), "ms", "raw_sqlite_insert_ms",
                  median(_raw_inserts(copy, ids, service_id)[1:]))


def timed_saves(ctx: Context, target: str) -> tuple[list[float], list[int]]:
    """Milliseconds of each create_intake on ``target`` (a file copy or a server), and the residents used."""
    from gridstation.core.intake.intakes import IntakeInput, create_intake
    from gridstation.core.station import catalog
    from gridstation.core.station.roles import ADMIN
    from gridstation.core.storage import models as m

    saves = SAVES if not ctx.quick else SAVES // 3
    with opened(target):
        admin = m.Staff.select().where(m.Staff.role == ADMIN).first()
        ids = [r.id for r in m.Resident.select(m.Resident.id).order_by(m.Resident.id).limit(saves + 1)]
        times = [time_ms(lambda rid=rid: create_intake(admin, IntakeInput(
            resident_id=rid, service=catalog.UNEMPLOYMENT, action="年检", details={"docs_checked": True})))
            for rid in ids]
    return times, ids


def _raw_inserts(path: Path, resident_ids: list[int], service_id: int) -> list[float]:
    """One intake row per transaction, durably committed with the app's own SQLite pragmas."""
    from gridstation.core.storage.db import SQLITE_PRAGMAS

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for key, value in SQLITE_PRAGMAS.items():
            conn.execute(f"PRAGMA {key} = {value}")
        times = []
        for n, rid in enumerate(resident_ids):
            now = time.strftime("%Y-%m-%d %H:%M:%S")
            start = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO intake (serial, resident_id, service_id, action, details, documents, status, "
                "received_at, due_date, result, forwarded_to, workers, amount_owed_fen, amount_recovered_fen, "
                "updated_at) VALUES (?, ?, ?, '年检', '{\"docs_checked\": true}', '', '受理', ?, ?, '', '', 0, 0, 0, ?)",
                (f"RAW{n:08d}", rid, service_id, now, now[:10], now))
            conn.execute("COMMIT")
            times.append(ms_since(start))
        return times
    finally:
        conn.close()


def run(ctx: Context) -> list[Figure]:
    return [search_figure(ctx), save_figure(ctx)]
