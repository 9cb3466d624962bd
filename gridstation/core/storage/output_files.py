"""Writing an output file so that it exists only if its audit entry does."""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path

from gridstation.core.rules.errors import DomainError

_PARTIAL = ".partial-"


@contextlib.contextmanager
def staged(path: Path) -> Iterator[Path]:
    """Yield a hidden file beside ``path`` to write; it takes ``path``'s name only when the block ends
    without an error, else it is removed.

    Callers write the file and record its audit entry inside the block: a refused audit entry
    (read-only database, lock timeout) then leaves no unaudited PDF, Excel file or backup behind.
    The name keeps the suffix so writers that look at it (openpyxl, ReportLab) behave the same.
    """
    partial = path.with_name(f".{path.stem}{_PARTIAL}{os.getpid()}{path.suffix}")
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def write_problem(out: Path, exc: OSError) -> DomainError:
    """The one wording for an output file (PDF, Excel) that cannot be written where the user chose:
    a folder that is gone (an unplugged USB stick), no rights, the file open in another program, a
    full or read-only disk — a sentence for staff, never a program fault. A writer handed
    ``staged``'s hidden file names the file the user chose."""
    stem, marker, rest = out.name.removeprefix(".").rpartition(_PARTIAL)
    if marker and out.name.startswith(".") and rest.split(".")[0].isdigit():
        out = out.with_name(stem + rest[len(rest.split(".")[0]):])
    if isinstance(exc, FileNotFoundError | NotADirectoryError):
        return DomainError(f"无法写入文件 {out}：文件夹 {out.parent} 不存在。")
    if isinstance(exc, PermissionError):
        return DomainError(f"无法写入文件 {out}：没有写入权限，或文件正被其他程序打开（请关闭后重试）。")
    why = {errno.ENOSPC: "磁盘已满", errno.EROFS: "磁盘是只读的"}.get(exc.errno or 0, "写入失败")
    return DomainError(f"无法写入文件 {out}：{why}。")
