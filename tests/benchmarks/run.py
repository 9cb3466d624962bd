"""Performance figures of GridStation against a generated database.

    python tests/benchmarks/run.py [--quick] [--json OUT]

Builds (once, then cached under tests/benchmarks/.cache/) a database with ``gridstation demo`` at
100 000 residents / 250 000 intakes / 50 000 loans (--quick: a tenth), runs every
``bench_<area>.py`` module beside this file, prints a table and, with --json, writes one record per
figure: name, value, unit, baseline_name, baseline_value, ratio. The cache is keyed by scale, seed,
schema version and the generator's source, so a changed generator or schema builds a new one.

Not part of the pytest run: timings are figures to read, not pass/fail checks. A module that fails
is reported and the others still run; the exit status is then 1.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]

from common import ROOT, Context, Figure, Scale, child_env  # noqa: E402

DEFAULT_CACHE = HERE / ".cache"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="GridStation benchmarks")
    parser.add_argument("--quick", action="store_true", help="a tenth of the full scale")
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--scale", type=int, help="residents (intakes 2.5x, loans 0.5x); overrides --quick")
    parser.add_argument("--repeat", type=int, default=5, help="processes or rounds for median figures")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where generated databases are kept")
    parser.add_argument("--only", nargs="*", default=[], help="run only these areas (e.g. intake startup)")
    parser.add_argument("--rebuild", action="store_true", help="generate the database again")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def scale_for(args: argparse.Namespace) -> Scale:
    if args.scale:
        return Scale.of(args.scale)
    full = Scale.full()
    return Scale.of(full.residents // 10) if args.quick else full


def cache_key(scale: Scale) -> str:
    """Scale, seed, schema version and a fingerprint of the generator's source."""
    from gridstation.core.station import schema

    digest = hashlib.sha256()
    for name in ("demo.py", "demo_data.py"):
        digest.update((ROOT / "gridstation" / "demo" / name).read_bytes())
    return f"{scale.label}-v{schema.LATEST}-{digest.hexdigest()[:10]}"


def cached_database(scale: Scale, cache: Path, rebuild: bool) -> tuple[Path, dict]:
    """The generated database and its sidecar, built by the real command when missing.

    ``demo_generate_s`` is the wall time of the whole ``gridstation demo`` process, as a user
    would wait for it.
    """
    key = cache_key(scale)
    db, sidecar = cache / f"{key}.db", cache / f"{key}.json"
    if db.exists() and sidecar.exists() and not rebuild:
        return db, json.loads(sidecar.read_text())
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob(f"{scale.label}-*"):
        old.unlink()
    building = cache / f"{key}.building.db"
    for leftover in cache.glob(f"{key}.building.db*"):
        leftover.unlink()
    print(f"building {scale.label} (gridstation demo) ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "gridstation", "--db", str(building), "demo", "--residents", str(scale.residents),
         "--intakes", str(scale.intakes), "--loans", str(scale.loans), "--seed", str(scale.seed)],
        cwd=ROOT, capture_output=True, text=True, env=child_env())
    took = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"gridstation demo failed ({result.returncode}): {result.stderr.strip()}")
    conn = sqlite3.connect(building)  # fold any WAL into the file, so the file alone is the database
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    building.rename(db)
    info = {"residents": scale.residents, "intakes": scale.intakes, "loans": scale.loans, "seed": scale.seed,
            "key": key, "demo_generate_s": round(took, 2), "built_at": time.strftime("%Y-%m-%d %H:%M:%S")}
    sidecar.write_text(json.dumps(info, indent=2))
    return db, info


def discover(only: list[str]) -> list[tuple[str, object]]:
    """Every bench_<area>.py beside this file, in name order (or just the areas asked for)."""
    modules = []
    for path in sorted(HERE.glob("bench_*.py")):
        area = path.stem[len("bench_"):]
        if only and area not in only:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        modules.append((area, module))
    return modules


def table(figures: list[Figure]) -> str:
    header = ("figure", "value", "unit", "baseline", "baseline value", "ratio")
    rows = [header] + [
        (f.name, f"{f.value:.2f}", f.unit, f.baseline_name or "", "" if f.baseline_value is None else f"{f.baseline_value:.2f}",
         "" if f.ratio is None else f"{f.ratio:.2f}x")
        for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) if i in (0, 2, 3) else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths, strict=False)))
             for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    scale = scale_for(args)
    db, build = cached_database(scale, args.cache, args.rebuild)
    figures: list[Figure] = []
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="work-", dir=args.cache) as work:  # same disk as the cache
        ctx = Context(db=db, scale=scale, quick=args.quick or bool(args.scale), repeat=args.repeat, build=build,
                      work_dir=Path(work))
        for area, module in discover(args.only):
            print(f"running {area} ...", file=sys.stderr, flush=True)
            try:
                figures.extend(module.run(ctx))
            except Exception:  # one broken area must not hide the others' figures
                failed.append(area)
                traceback.print_exc()
    print(f"database: {db.name} ({scale.residents} residents, {scale.intakes} intakes, {scale.loans} loans)")
    print(table(figures))
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps([f.record() for f in figures], ensure_ascii=False, indent=2) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
