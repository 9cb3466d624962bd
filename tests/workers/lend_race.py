"""A window racing another to lend the same units: both wait at a barrier, then scan at once.

Started with multiprocessing (spawn) so the two windows can share the barrier; each round's
outcome goes to ``results`` as (asset code, window name, "won" or the refusal's message).
"""

from __future__ import annotations

from multiprocessing.synchronize import Barrier
from queue import Queue

from gridstation.core.station import station
from gridstation.core.storage import models as m
from gridstation.core.toolbox import lending, tool_units


def race(target: str, name: str, rounds: list[tuple[str, int]], barrier: Barrier, results: Queue) -> None:
    station.open_site(target, create=False)
    staff = m.Staff.get(m.Staff.username == "admin")
    for code, resident_id in rounds:
        barrier.wait(timeout=120)
        try:
            lending.lend(staff, resident_id, [code])
        except tool_units.UnitNotAvailable as exc:
            results.put((code, name, exc.message))
        else:
            results.put((code, name, "won"))
