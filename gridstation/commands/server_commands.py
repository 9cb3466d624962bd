"""migrate: move a single-window station's SQLite file to the PostgreSQL server of a multi-window station."""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

from gridstation.commands.base import CommandError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("migrate", help="把单机 SQLite 数据库迁移到 PostgreSQL 服务器（逐表核对行数和校验值）")
    p.add_argument("--from", dest="source", required=True, metavar="SQLITE_FILE", help="单机数据库文件")
    p.add_argument("--to", dest="target", required=True, metavar="postgresql://...",
                   help="新建的空服务器数据库地址，如 postgresql://gridstation:密码@192.168.1.10/station")
    p.set_defaults(handler=cmd_migrate)


def cmd_migrate(args: argparse.Namespace, target: str) -> int:
    from gridstation.core import migrate
    from gridstation.core.db import describe

    source = Path(args.source)
    if not source.is_file():
        raise CommandError(f"找不到要迁移的数据库文件：{source}。")
    checks = migrate.migrate_to_server(source, args.target, progress=lambda text: print(text, file=sys.stderr))
    print(table(["数据表", "源行数", "目标行数", "源校验值", "目标校验值", "结果"],
                [[c.table, str(c.source_rows), str(c.target_rows), c.source_sum[:16], c.target_sum[:16],
                  "一致" if c.ok else "不一致"] for c in checks]))
    total = sum(c.target_rows for c in checks)
    print(f"迁移完成：{len(checks)} 个数据表、{total} 行，行数和校验值全部一致，操作日志哈希链完整。"
          f"各窗口请改用 --db {describe(args.target)}（或在设置中填写该地址）；原文件 {source} 不再使用，请妥善保存。")
    return 0


def table(header: list[str], rows: list[list[str]]) -> str:
    """Columns padded by display width, so Chinese headers line up in a terminal."""
    width = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(_pad(cell, w, i) for i, (cell, w) in enumerate(zip(r, width))) for r in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in width))
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(cell: str, width: int, column: int) -> str:
    space = " " * (width - _width(cell))
    return space + cell if column in (1, 2) else cell + space
