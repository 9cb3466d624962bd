"""Writing an output file so that it exists only if its audit entry does; clearing what a killed writer left."""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import hashlib
import os
import re
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.free_text import clipped, shown
from gridstation.core.rules.person_names import has_invisible

_PARTIAL = ".partial-"
# .{stem}.partial-{host}-{pid}{suffix}, and what SQLite (its journal) or a restore (the audit head) keep beside it
_PARTIAL_NAME = re.compile(r"\.(?P<stem>.+)\.partial-(?P<host>[A-Za-z0-9]*)-(?P<pid>\d+)"
                           r"(?P<suffix>\.[^.-]+)?(?P<journal>-journal|-wal|-shm|\.audit-head)?")
STALE_ELSEWHERE = dt.timedelta(hours=24)


def _host() -> str:
    """This PC, as a partial file's name says it: a backup folder may be a share several PCs write to.

    The readable part keeps only ASCII letters and digits (a file name on any medium), so 窗口一 and
    窗口二, front-1 and front_1 read the same; a short hash of the whole name tells them apart, else
    one PC took the other's partial file for one of its own dead processes and deleted it mid-write.
    """
    name = socket.gethostname()
    digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:10]
    return re.sub(r"[^A-Za-z0-9]", "", name)[:20] + digest


def this_process() -> str:
    """This PC and process as ``host-pid``: who left a partial file or a restore's mark."""
    return f"{_host()}-{os.getpid()}"


def partial_path(path: Path) -> Path:
    """The hidden name ``path`` is written under until it is complete: it names this PC and process,
    so a later run can tell a partial file of a process that died from one still being written.
    The name keeps the suffix so writers that look at it (openpyxl, ReportLab) behave the same."""
    return path.with_name(f".{path.stem}{_PARTIAL}{this_process()}{path.suffix}")


def ended_here(owner: str) -> bool:
    """Whether ``owner`` (``this_process()`` of some run) was a process of this PC that no longer
    runs; a process of another PC cannot be asked about, so it is never taken for ended."""
    host, _, pid = owner.rpartition("-")
    return host == _host() and pid.isdigit() and not _process_alive(int(pid))


def discard(partial: Path) -> None:
    """Remove a partial file if the medium lets us. On a read-only medium (a write-protected USB stick)
    even removing a file that was never created fails; that must not hide the refusal that got us
    here, and a partial file that could not be removed is cleared by the next run."""
    with contextlib.suppress(OSError):
        partial.unlink(missing_ok=True)


NAME_BYTES = 255  # the longest file name ext4, NTFS and FAT file systems take (in UTF-8 bytes, ext4's count)


def check_name(path: Path) -> None:
    """Refuse a file name holding control or direction characters — it shows as something else in a file
    manager (U+202E makes 「‮fdp.exe」 read as exe.pdf) — or longer than file systems take, which
    fails deep inside the writer (and in every look at the path before it)."""
    if has_invisible(path.name):
        raise DomainError("输出文件名含有控制字符或文字方向控制符（如换行、零宽字符），请换一个文件名。")
    if len(path.name.encode("utf-8", "surrogateescape")) > NAME_BYTES:
        raise DomainError(f"输出文件名过长（最多{NAME_BYTES}字节，约85个汉字）：{clipped(path.name)}。")


def check_target(path: Path) -> None:
    """Refuse, before any work, an output path that writing would not turn into the file asked for.

    The file takes its name by a rename over whatever is there, so a device (/dev/null, run as root), a
    pipe or a socket there would be replaced by a plain file; an existing file that cannot be written
    (read-only, immutable) would fail only after the work and its audit entry.
    """
    check_name(path)
    if path.is_symlink() or path.exists():
        if not path.is_file():
            raise DomainError(f"输出路径 {shown(str(path))} 不是普通文件（是设备、管道或文件夹），不能写入。")
        if not os.access(path, os.W_OK):
            raise DomainError(f"无法写入文件 {shown(str(path))}：没有写入权限（文件只读或被锁定）。")


@contextlib.contextmanager
def staged(path: Path) -> Iterator[Path]:
    """Yield a hidden file beside ``path`` to write; it takes ``path``'s name only when the block ends
    without an error, else it is removed.

    Callers write the file and record its audit entry inside the block: a refused audit entry
    (read-only database, lock timeout) then leaves no unaudited PDF, Excel file or backup behind.
    """
    check_target(path)
    partial = partial_path(path)
    try:
        yield partial
        try:
            os.replace(partial, path)
        except OSError as exc:  # the target changed since it was checked (locked, made read-only)
            raise write_problem(path, exc) from None
    finally:
        discard(partial)


def _process_alive(pid: int) -> bool:
    if sys.platform == "win32":
        # os.kill(pid, 0) would terminate the process on Windows: ask for its exit code instead.
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() == 5  # access denied: it exists
        try:
            code = ctypes.c_ulong()
            return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == 259
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_partials(folder: Path) -> list[Path]:
    """Remove the partial files in ``folder`` whose writer is gone, and return them.

    A backup or restore killed mid-way (power cut, task manager, SIGKILL) leaves its hidden partial
    file, as large as the database: twenty kills left 1.7 GB nobody saw. A file of this PC is stale
    when its process no longer runs (a recycled process id keeps it one more round); a file of
    another PC sharing the folder cannot be asked about, so it is stale after a day, far longer than
    any backup takes.
    """
    removed = []
    limit = (clock.now() - STALE_ELSEWHERE).timestamp()
    for path in folder.glob(".*.partial-*") if folder.is_dir() else []:
        match = _PARTIAL_NAME.fullmatch(path.name)
        if match is None:
            continue
        try:
            if match["host"] == _host():
                if not ended_here(f"{match['host']}-{match['pid']}"):
                    continue
            elif path.stat().st_mtime > limit:
                continue
            path.unlink()
        except OSError:
            continue  # gone meanwhile, or the medium refuses: the next run tries again
        removed.append(path)
    return removed


def write_problem(out: Path, exc: OSError) -> DomainError:
    """The one wording for an output file (PDF, Excel) that cannot be written where the user chose:
    a folder that is gone (an unplugged USB stick), no rights, the file open in another program, a
    full or read-only disk — a sentence for staff, never a program fault. A writer handed
    ``staged``'s hidden file names the file the user chose."""
    match = _PARTIAL_NAME.fullmatch(out.name)
    if match and not match["journal"]:
        out = out.with_name(match["stem"] + (match["suffix"] or ""))
    if isinstance(exc, FileNotFoundError | NotADirectoryError):
        return DomainError(f"无法写入文件 {out}：文件夹 {out.parent} 不存在。")
    if isinstance(exc, PermissionError):
        return DomainError(f"无法写入文件 {out}：没有写入权限，或文件正被其他程序打开（请关闭后重试）。")
    why = {errno.ENOSPC: "磁盘已满", errno.EROFS: "磁盘是只读的"}.get(exc.errno or 0, "写入失败")
    return DomainError(f"无法写入文件 {out}：{why}。")
