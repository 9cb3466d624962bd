"""What every sub-command shares: the error type and opening the site database."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from gridstation.core.rules import clock
from gridstation.core.rules.free_text import shown
from gridstation.core.storage.output_files import check_name, check_target


class CommandError(Exception):
    """A usage problem found after parsing (bad month, missing file): one Chinese line, exit 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def open_site(target: str, *, create: bool = False, read_only: bool = False) -> None:
    """Open (and upgrade) the database for a command; commands that only read never create a file,
    and those that only check it (``read_only``) read a write-protected one as it is."""
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.station.station import open_site as _open

    _open(target, create=create, read_only=read_only)


def out_path(value: str, suffix: str = "") -> Path:
    """An output file whose folder exists (and whose name ends in ``suffix`` when given: a PDF named
    .xlsx opens in nothing), checked before any work is done."""
    path = Path(value)
    check_name(path)
    if path.is_dir():
        raise CommandError(f"输出路径 {shown(str(path))} 是一个文件夹，请给出文件名。")
    if suffix and path.suffix.lower() != suffix:
        raise CommandError(f"输出文件应以 {suffix} 结尾：{shown(path.name)}。")
    if not path.parent.exists():
        raise CommandError(f"输出文件夹不存在：{shown(str(path.parent))}。")
    if not os.access(path.parent, os.W_OK):
        raise CommandError(f"没有写入权限：{shown(str(path.parent))}。")
    check_target(path)
    return path


def parse_month(value: str, *, allow_future: bool = False) -> dt.date:
    """First day of YYYY-MM; refuses malformed and (by default) future months."""
    try:
        first = dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise CommandError(f"月份“{value}”格式不正确，应为 YYYY-MM，如 2025-01。") from None
    today = clock.today()
    if not allow_future and (first.year, first.month) > (today.year, today.month):
        raise CommandError(f"月份 {value} 还没有到，不能统计。")
    return first


def parse_date(value: str, label: str = "日期") -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{label}“{value}”格式不正确，应为 YYYY-MM-DD。") from None


def in_path(value: str, what: str) -> Path:
    """An input file that exists and can be read, checked before any work is done; ``what`` names
    it in the message. Unchecked, an unreadable ledger ended as a program fault and an unreadable
    backup as "not a GridStation database (unable to open database file)"."""
    path = Path(value)
    if path.exists() and not path.is_file():  # a folder, a device (/dev/zero) or a pipe, which would never end
        raise CommandError(f"{path} 不是普通文件（是文件夹、设备或管道），不能作为{what}。")
    if not path.is_file():
        raise CommandError(f"找不到{what}：{path}。")
    try:
        with path.open("rb"):
            pass
    except OSError:
        raise CommandError(f"无法读取{what}：{path}。请检查文件权限。") from None
    return path
