"""The grid register at the scale's residents (100 000 in full).

- ``grid_for_address_p95_ms``: ``grids.places.grid_for_address`` — the address → grid lookup a resident's
  save makes in the intake path (building by its key, its unit's own micro-grid) — p95 over the addresses
  of a sample of residents, beside the same lookup as one raw sqlite3 query. The demo data has no
  buildings yet, so the copy gets one per written (compound, building) first, each in the grid most of
  its residents are in, and every resident's address key (what schema step 8 does for a station).
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections import Counter, defaultdict

from common import Context, Figure, ms_since, opened, p95

SAMPLE = 500


def run(ctx: Context) -> list[Figure]:
    from gridstation.core.grids import places
    from gridstation.core.rules.address_keys import address_key, unit_key
    from gridstation.core.storage import db as dbmod
    from gridstation.core.storage import models as m

    copy = ctx.copy_db("grids.db")
    with opened(copy):
        rows = list(m.Resident.select(m.Resident.id, m.Resident.compound, m.Resident.building, m.Resident.unit,
                                      m.Resident.grid).tuples())
        votes: dict[str, Counter] = defaultdict(Counter)
        written: dict[str, tuple[str, str]] = {}
        with dbmod.write_transaction():
            for compound, building in {(c, b) for _i, c, b, _u, _g in rows}:
                key = address_key(compound, building)
                m.Resident.update(address_key=key).where((m.Resident.compound == compound)
                                                         & (m.Resident.building == building)).execute()
            for _id, compound, building, _unit, grid in rows:
                key = address_key(compound, building)
                if key and grid:
                    votes[key][grid] += 1
                    written.setdefault(key, (compound, building))
            m.Building.insert_many([{"compound": written[k][0], "number": written[k][1], "key": k,
                                     "grid": votes[k].most_common(1)[0][0]} for k in votes]).execute()
        sample = random.Random("bench:grids").sample(rows, min(SAMPLE, len(rows)))
        lookups = []
        for _ in range(max(1, ctx.repeat)):
            for _id, compound, building, unit, _grid in sample:
                start = time.perf_counter()
                places.grid_for_address(compound, building, unit)
                lookups.append(ms_since(start))
    raw = _raw_lookups(copy, [(address_key(c, b), unit_key(u)) for _i, c, b, u, _g in sample] * max(1, ctx.repeat))
    return [Figure("grid_for_address_p95_ms", p95(lookups), "ms", "raw_sqlite_grid_for_address_p95_ms", p95(raw))]


def _raw_lookups(path, keys: list[tuple[str, str]]) -> list[float]:
    conn = sqlite3.connect(path)
    try:
        out = []
        for key, unit in keys:
            start = time.perf_counter()
            row = conn.execute("SELECT b.grid_id, u.grid_id FROM building b LEFT JOIN unit u"
                               " ON u.building_id = b.id AND u.key = ? WHERE b.key = ?", (unit, key)).fetchone()
            if row is not None and row[0] is not None:
                conn.execute("SELECT * FROM grid WHERE id = ?", (row[1] or row[0],)).fetchone()
            out.append(ms_since(start))
        return out
    finally:
        conn.close()
