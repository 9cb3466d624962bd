"""Writing an output file so that it exists only if its audit entry does."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def staged(path: Path) -> Iterator[Path]:
    """Yield a hidden file beside ``path`` to write; it takes ``path``'s name only when the block ends
    without an error, else it is removed.

    Callers write the file and record its audit entry inside the block: a refused audit entry
    (read-only database, lock timeout) then leaves no unaudited PDF, Excel file or backup behind.
    The name keeps the suffix so writers that look at it (openpyxl, ReportLab) behave the same.
    """
    partial = path.with_name(f".{path.stem}.partial-{os.getpid()}{path.suffix}")
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
