"""``gridstation backup`` with the clock stopped at one second, started on a line on stdin: several of
these released together are backups started in the same second (two windows, a window and a script)."""

from __future__ import annotations

import datetime as dt
import sys

from gridstation.cli import main
from gridstation.core.rules import clock


def run(db: str, folder: str) -> int:
    second = dt.datetime(2026, 3, 2, 9, 30, 0)
    clock.now, clock.today = (lambda: second), second.date
    print("ready", flush=True)
    sys.stdin.readline()  # every worker has imported everything: they start together
    return main(["--db", db, "backup", "--to", folder])


if __name__ == "__main__":
    raise SystemExit(run(*sys.argv[1:3]))
