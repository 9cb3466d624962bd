"""What every benchmark module shares: the Figure it reports, the context it runs in, and statistics.

A module ``bench_<area>.py`` beside this file exposes ``run(ctx: Context) -> list[Figure]``;
``run.py`` finds it, calls it and prints its figures. A module measures against ``ctx.db``, the
cached generated database, and writes only to copies made with ``ctx.copy_db`` so the cache stays
what the generator made.
"""

from __future__ import annotations

import math
import os
import shutil
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Figure:
    """One measured number, with the baseline it should be read against (if there is one)."""

    name: str
    value: float
    unit: str
    baseline_name: str | None = None
    baseline_value: float | None = None

    @property
    def ratio(self) -> float | None:
        if self.baseline_value is None or not self.baseline_value:
            return None
        return self.value / self.baseline_value

    def record(self) -> dict:
        """The JSON record: name, value, unit, baseline_name, baseline_value, ratio."""
        ratio = self.ratio
        return {"name": self.name, "value": _rounded(self.value), "unit": self.unit,
                "baseline_name": self.baseline_name,
                "baseline_value": None if self.baseline_value is None else _rounded(self.baseline_value),
                "ratio": None if ratio is None else round(ratio, 3)}


def _rounded(value: float) -> float:
    """Three decimals, or four significant digits below 1: a 3 ms baseline rounded to 0.003 would skew its ratio."""
    return round(value, 3) if abs(value) >= 1 else float(f"{value:.4g}")


@dataclass(frozen=True)
class Scale:
    residents: int
    intakes: int
    loans: int
    seed: int = 1

    @classmethod
    def full(cls) -> "Scale":
        """The scale the issues set: 100 000 residents, 250 000 intakes, 50 000 loans."""
        return cls(100_000, 250_000, 50_000)

    @classmethod
    def of(cls, residents: int) -> "Scale":
        """The same proportions for any number of residents (--quick is a tenth of full)."""
        return cls(residents, residents * 5 // 2, max(1, residents // 2))

    @property
    def label(self) -> str:
        return f"r{self.residents}-i{self.intakes}-l{self.loans}-s{self.seed}"


@dataclass
class Context:
    """What a benchmark module gets: the database, the scale, how often to repeat, a scratch folder."""

    db: Path
    scale: Scale
    quick: bool
    repeat: int  # processes or rounds for "median of N" figures
    build: dict  # the cache's sidecar: counts, seed, schema, demo_generate_s
    work_dir: Path

    def copy_db(self, name: str) -> Path:
        """A private copy of the cached database for a benchmark that writes."""
        target = self.work_dir / name
        shutil.copy(self.db, target)
        return target



def child_env(**extra: str) -> dict[str, str]:
    """Environment for a child process: the source tree importable, offscreen Qt."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **extra)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    """The 95th percentile by nearest rank: a value that was actually measured."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def ms_since(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def time_ms(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return ms_since(start)


@contextmanager
def opened(path: Path) -> Iterator[None]:
    """The app's own database layer bound to ``path`` for the duration (closed afterwards)."""
    from gridstation.core.station import station
    from gridstation.core.storage import db as dbmod

    station.open_site(str(path), create=False)
    try:
        yield
    finally:
        dbmod.close_database()
