"""The grid register at the scale's residents (100 000 in full), with the grids and buildings a station has.

The demo builds seed 001's register: a community, six 四级 grids and nine 五级 micro-grids, and the 173
buildings of its compounds, with every resident placed by address. A station of 100 000 residents has
about 2 000 buildings, so the copy gets new compounds' buildings (each with its households and a 楼栋长)
across the micro-grids until it holds ``BUILDINGS``.

- ``grid_page_open_ms``: ``ui.grids.grid_page.GridPage`` made and shown at 1366×768 until its tree is on
  screen (what Ctrl+7 shows: no grid chosen yet); median of the rounds, beside ``raw_sqlite_grid_tree_ms``,
  the tree's read as raw sqlite3.
- ``grid_page_grid_ms``: then the grid with the most buildings chosen in the tree, until its buildings
  (households, residents present) and people are on screen; beside ``raw_sqlite_grid_page_ms``: the same
  reads as raw sqlite3 (the grid, its buildings, their residents present, its people in their roles).
- ``grid_for_address_p95_ms``: ``grids.places.grid_for_address`` — the address → grid lookup a resident's
  save makes in the intake path (building by its key, its unit's own micro-grid) — p95 over the addresses
  of a sample of residents, beside the same lookup as one raw sqlite3 query.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import random
import sqlite3
import time

from common import Context, Figure, median, ms_since, opened, p95

SAMPLE = 500
BUILDINGS = 2_000
PER_COMPOUND = 40


def run(ctx: Context) -> list[Figure]:
    from gridstation.core.grids import places
    from gridstation.core.rules.address_keys import address_key, unit_key
    from gridstation.core.storage import models as m

    copy = ctx.copy_db("grids.db")
    rounds = 3 if ctx.quick else max(3, ctx.repeat)
    with opened(copy):
        _add_buildings(random.Random("bench:grids:buildings"))
        rows = list(m.Resident.select(m.Resident.compound, m.Resident.building, m.Resident.unit).tuples())
        sample = random.Random("bench:grids").sample(rows, min(SAMPLE, len(rows)))
        del rows  # 100 000 tuples the app never holds: full collections walking them were the slow lookups
        gc.collect()
        gc.freeze()  # as the window does with what it holds from start-up (ui/common/background.py)
        lookups = []
        for _ in range(max(1, ctx.repeat)):
            for compound, building, unit in sample:
                start = time.perf_counter()
                places.grid_for_address(compound, building, unit)
                lookups.append(ms_since(start))
        grid_id, open_ms, grid_ms = _page_opens(str(copy), rounds)
    raw = _raw_lookups(copy, [(address_key(c, b), unit_key(u)) for c, b, u in sample] * max(1, ctx.repeat))
    raw_tree = [_raw_tree(copy) for _ in range(rounds)]
    raw_page = [_raw_page(copy, grid_id) for _ in range(rounds)]
    return [Figure("grid_page_open_ms", median(open_ms), "ms", "raw_sqlite_grid_tree_ms", median(raw_tree)),
            Figure("grid_page_grid_ms", median(grid_ms), "ms", "raw_sqlite_grid_page_ms", median(raw_page)),
            Figure("grid_for_address_p95_ms", p95(lookups), "ms", "raw_sqlite_grid_for_address_p95_ms", p95(raw))]


def _add_buildings(rng: random.Random) -> None:
    """New compounds' buildings spread over the micro-grids up to ``BUILDINGS``, each with a 楼栋长."""
    from gridstation.core.grids import rules
    from gridstation.core.rules.address_keys import address_key
    from gridstation.core.storage import db as dbmod
    from gridstation.core.storage import models as m

    micro = [g for (g,) in m.Grid.select(m.Grid.id).where(m.Grid.level == rules.LEVELS[2]).tuples()]
    missing = BUILDINGS - m.Building.select().count()
    if missing <= 0 or not micro:
        return
    rows = []
    for n in range(missing):
        compound, number = f"扩建{n // PER_COMPOUND + 1}区", f"{n % PER_COMPOUND + 1}栋"
        rows.append({"compound": compound, "number": number, "key": address_key(compound, number),
                     "grid": micro[n * len(micro) // missing], "households": rng.randint(24, 120)})
    since = dt.date(2024, 1, 1)
    with dbmod.write_transaction():
        m.Building.insert_many(rows).execute()
        added = list(m.Building.select(m.Building.id, m.Building.grid).where(m.Building.compound.startswith("扩建"))
                     .tuples())
        first = (m.Person.select(m.Person.id).order_by(m.Person.id.desc()).scalar() or 0) + 1
        m.Person.insert_many([{"id": first + i, "name": f"楼长{i}"} for i in range(len(added))]).execute()
        m.PersonRole.insert_many([{"person": first + i, "role": rules.BUILDING_HEAD, "grid": grid, "building": b,
                                   "started_on": since} for i, (b, grid) in enumerate(added)]).execute()


def _page_opens(target: str, rounds: int) -> tuple[int, list[float], list[float]]:
    """The register page opened ``rounds`` times, then the grid with the most buildings chosen in its tree;
    returns that grid and the times to open (tree on screen) and to show the grid (its lists on screen)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from peewee import fn
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from gridstation.core.station import roles
    from gridstation.core.storage import models as m
    from gridstation.ui.common.context import AppContext
    from gridstation.ui.grids.grid_page import GRID_ID, GridPage

    app = QApplication.instance() or QApplication([])
    head = m.Staff.select().where(m.Staff.role == roles.HEAD).first()
    grid_id = (m.Building.select(m.Building.grid).group_by(m.Building.grid)
               .order_by(fn.COUNT(m.Building.id).desc()).scalar())

    def settle(page: GridPage) -> None:
        """Until both lists show what was asked: idle in the event loop, as a window waits."""
        while page.buildings.loading or page.people.loading:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        app.processEvents()  # laid out and painted

    opening, choosing = [], []
    for _ in range(rounds + 1):  # the first warms Qt's and the page's imports: not counted
        start = time.perf_counter()
        page = GridPage(AppContext(target, head))
        page.resize(1366, 768)
        page.show()
        settle(page)
        opening.append(ms_since(start))
        model = page.tree_model
        found = model.match(model.index(0, 0), GRID_ID, grid_id, 1, _recursive())
        start = time.perf_counter()
        page.ui.gridTree.setCurrentIndex(found[0])
        settle(page)
        choosing.append(ms_since(start))
        assert page.buildings.rowCount() and page.people.rowCount()
        page.close()
        page.deleteLater()
        app.processEvents()
    return grid_id, opening[1:], choosing[1:]


def _recursive():
    from PySide6.QtCore import Qt

    return Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly


def _raw_tree(path) -> float:
    """The tree's one read as raw sqlite3: the grids open today."""
    from gridstation.core.rules import clock

    today = clock.today().isoformat()
    conn = sqlite3.connect(path)
    try:
        start = time.perf_counter()
        conn.execute("SELECT id, parent_id, name, code, closed_on FROM grid WHERE (opened_on IS NULL OR opened_on <= ?)"
                     " AND (closed_on IS NULL OR closed_on > ?)", (today, today)).fetchall()
        return ms_since(start)
    finally:
        conn.close()


def _raw_page(path, grid_id: int) -> float:
    """The page's reads as raw sqlite3: the tree, the grid, its buildings with units, residents present per
    building and households by room where a building keeps none, its people in their roles."""
    from gridstation.core.rules import clock

    today = clock.today().isoformat()
    conn = sqlite3.connect(path)
    try:
        start = time.perf_counter()
        conn.execute("SELECT * FROM grid WHERE id = ?", (grid_id,)).fetchone()
        buildings = conn.execute("SELECT id, key, households FROM building WHERE grid_id = ? ORDER BY key",
                                 (grid_id,)).fetchall()
        keys = [key for _id, key, _h in buildings]
        marks = ",".join("?" * len(keys))
        present = "(status = '在册' OR status_on > ?)"
        conn.execute(f"SELECT address_key, COUNT(*) FROM resident WHERE address_key IN ({marks}) AND {present}"
                     " GROUP BY address_key", (*keys, today)).fetchall()
        empty = [key for _id, key, households in buildings if not households]
        if empty:
            conn.execute(f"SELECT DISTINCT address_key, unit_key, room FROM resident WHERE address_key IN"
                         f" ({','.join('?' * len(empty))}) AND {present} AND room != ''", (*empty, today)).fetchall()
        conn.execute(f"SELECT * FROM unit LEFT JOIN grid ON grid.id = unit.grid_id WHERE building_id IN ({marks})",
                     [b for b, _k, _h in buildings]).fetchall()
        conn.execute("SELECT * FROM person_role r JOIN person p ON p.id = r.person_id WHERE r.grid_id = ?"
                     " AND r.started_on <= ? AND (r.ended_on IS NULL OR r.ended_on > ?)",
                     (grid_id, today, today)).fetchall()
        return ms_since(start)
    finally:
        conn.close()


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
