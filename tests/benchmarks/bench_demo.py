"""demo_generate_s: how long ``gridstation demo`` takes to build the benchmark database (target: 2 min)."""

from __future__ import annotations

from common import Context, Figure


def run(ctx: Context) -> list[Figure]:
    """Measured when the cached database was built (run.py times the whole command), read from its sidecar."""
    return [Figure("demo_generate_s", float(ctx.build["demo_generate_s"]), "s")]
