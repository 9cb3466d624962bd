"""bundle_size_mb, and bundle_first_paint_ms beside source_first_paint_ms (the installed program
against ``python -m gridstation`` from the source tree).

Reads the bundle ``python installer/build.py --bundle`` left in dist/gridstation; without one it
reports nothing (building takes a minute or two and is not the benchmarks' job). Start-up is
measured as in bench_startup: whole processes, offscreen, first paint of the main window, the two
run alternately so a busy machine slows both alike.
"""

from __future__ import annotations

import sys

from bench_startup import first_paint_ms
from common import ROOT, Context, Figure, median

BUNDLE = ROOT / "dist" / "gridstation"
PROGRAM = BUNDLE / ("gridstation.exe" if sys.platform == "win32" else "gridstation")


def run(ctx: Context) -> list[Figure]:
    if not PROGRAM.is_file():
        print(f"bundle: no {PROGRAM.relative_to(ROOT)}; build it with python installer/build.py --bundle",
              file=sys.stderr)
        return []
    size = sum(f.stat().st_size for f in BUNDLE.rglob("*") if f.is_file() and not f.is_symlink())
    figures = [Figure("bundle_size_mb", size / 1e6, "MB")]
    debs = sorted((ROOT / "dist").glob("gridstation_*.deb"))
    if debs:
        figures.append(Figure("deb_size_mb", debs[-1].stat().st_size / 1e6, "MB"))
    db = ctx.copy_db("bundle-startup.db")
    bundled = [str(PROGRAM), "--db", str(db)]
    source = [sys.executable, "-m", "gridstation", "--db", str(db)]
    first_paint_ms(bundled)  # one untimed run of each: neither is measured with a cold disk cache
    first_paint_ms(source)
    bundle_ms, source_ms = [], []
    for _ in range(ctx.repeat):
        source_ms.append(first_paint_ms(source))
        bundle_ms.append(first_paint_ms(bundled))
    figures.append(Figure("bundle_first_paint_ms", median(bundle_ms), "ms", "source_first_paint_ms", median(source_ms)))
    return figures
