"""The counter's two waits on a PostgreSQL server, beside the same on the SQLite file.

- ``postgres_resident_search_p95_ms`` beside ``resident_search_p95_ms``: residents.search over the
  mix of bench_intake (full ID, last 4 digits, phone, last 4, name, initials, full pinyin), on the
  server and on the file; each query must find the same residents on both.
- ``postgres_intake_save_ms`` beside ``intake_save_ms``: median of intakes.create_intake after the
  first (serial, history, audit entry, the station's write lock, one durable commit), on the server
  and on a copy of the file.
- ``migrate_to_postgres_s``: ``gridstation migrate`` of the cached database into an empty schema
  (copy, per-table checksums, audit chain check, ANALYZE), as a station moving to a server waits.

The server is ``GRIDSTATION_BENCH_PG``, else ``GRIDSTATION_TEST_PG``: a URL of a database created with
LC_COLLATE C (``.ci/start-postgres.sh`` starts one). Each run works in a new schema, dropped
afterwards. Without a server the module reports nothing. Both sides are durable (SQLite
synchronous=FULL, PostgreSQL's default fsync and synchronous_commit), and the server is on
loopback, so network latency, which a LAN adds to every statement, is not in these figures.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from bench_intake import RESIDENTS_SAMPLED, queries, save_figure, search_figure, timed_saves
from common import Context, Figure, median, opened, p95, time_ms


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """The URL of a new, empty schema in the server's database; dropped afterwards."""
    import psycopg2

    name = f"bench_{uuid.uuid4().hex[:12]}"
    conn = psycopg2.connect(url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(f"CREATE SCHEMA {name}")
        yield f"{url}{'&' if '?' in url else '?'}options={quote('-csearch_path=' + name)}"
        with conn.cursor() as cur:
            cur.execute(f"DROP SCHEMA {name} CASCADE")
    finally:
        conn.close()


def run(ctx: Context) -> list[Figure]:
    url = os.environ.get("GRIDSTATION_BENCH_PG") or os.environ.get("GRIDSTATION_TEST_PG")
    if not url:
        print("postgres: no server; set GRIDSTATION_BENCH_PG (or GRIDSTATION_TEST_PG) to a postgresql:// URL",
              file=sys.stderr)
        return []
    from gridstation.core.station import migrate
    from gridstation.core.storage import db as dbmod

    sqlite_search = search_figure(ctx).value
    sqlite_save = save_figure(ctx).value
    with fresh_schema(url) as target:
        start = time.perf_counter()
        migrate.migrate_to_server(ctx.db, target)
        migrate_s = time.perf_counter() - start
        dbmod.close_database()
        search_ms = _search_ms(ctx, target)
        save_ms = _save_ms(ctx, target)
    return [
        Figure("postgres_resident_search_p95_ms", search_ms, "ms", "resident_search_p95_ms", sqlite_search),
        Figure("postgres_intake_save_ms", save_ms, "ms", "intake_save_ms", sqlite_save),
        Figure("migrate_to_postgres_s", migrate_s, "s"),
    ]


def _search_ms(ctx: Context, target: str) -> float:
    """p95 of residents.search on the server, after checking it finds what it finds on the file."""
    from gridstation.core.intake.residents import search

    conn = sqlite3.connect(ctx.db)
    try:
        texts = [text for _kind, text, _raw in queries(conn, RESIDENTS_SAMPLED if not ctx.quick else RESIDENTS_SAMPLED // 2)]
    finally:
        conn.close()
    with opened(ctx.db):
        expected = {text: [r.id for r in search(text)] for text in texts}
    with opened(target):
        for text in texts:  # warm the server's caches once, and compare the rows
            found = [r.id for r in search(text)]
            if found != expected[text]:
                raise RuntimeError(f"search({text!r}) found {found[:5]}... on the server, {expected[text][:5]}... on the file")
        return p95([time_ms(lambda text=text: search(text)) for text in texts])


def _save_ms(ctx: Context, target: str) -> float:
    """Median intake save on the server, the same saves bench_intake times on the file."""
    return median(timed_saves(ctx, target)[0][1:])
