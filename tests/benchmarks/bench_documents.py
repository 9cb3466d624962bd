"""Printing at the counter: the 受理回执 after each save.

- ``first_receipt_pdf_ms``: a fresh process renders its first receipt, font registration included
  (target under 600 ms); measured in a child process so nothing is already loaded.
- ``receipt_pdf_ms``: median receipt after the first in the same process (target under 150 ms).
"""

from __future__ import annotations

import json
import subprocess
import sys

from common import Context, Figure, child_env, median, opened

CHILD = """
import json, sys, time
from pathlib import Path
from gridstation.core.station import station
from gridstation.core.storage import models as m
station.open_site(sys.argv[1], create=False)
serials = [i.serial for i in m.Intake.select(m.Intake.serial).order_by(m.Intake.id.desc()).limit(12)]
from gridstation.reports.receipt import write_receipt
times = []
for n, serial in enumerate(serials):
    start = time.perf_counter()
    write_receipt(serial, Path(sys.argv[2]) / f"r{n}.pdf")
    times.append((time.perf_counter() - start) * 1000)
print(json.dumps(times))
"""


def run(ctx: Context) -> list[Figure]:
    with opened(ctx.db):
        pass  # the schema is current before the child opens it read-mostly
    out = subprocess.run([sys.executable, "-c", CHILD, str(ctx.db), str(ctx.work_dir)], capture_output=True,
                         text=True, env=child_env(), check=True)
    times = json.loads(out.stdout.strip().splitlines()[-1])
    return [Figure("first_receipt_pdf_ms", times[0], "ms"), Figure("receipt_pdf_ms", median(times[1:]), "ms")]
