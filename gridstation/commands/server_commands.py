"""Beyond one window: ``migrate`` moves a single-window station's SQLite file to the PostgreSQL server
of a multi-window station; ``district`` combines several stations' monthly summaries for the street office."""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

from gridstation.commands.base import CommandError, in_path, out_path, parse_month


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("migrate", help="把单机 SQLite 数据库迁移到 PostgreSQL 服务器（逐表核对行数和校验值）")
    p.add_argument("--from", dest="source", required=True, metavar="SQLITE_FILE", help="单机数据库文件")
    p.add_argument("--to", dest="target", required=True, metavar="postgresql://...",
                   help="新建的空服务器数据库地址，如 postgresql://gridstation:密码@192.168.1.10/station")
    p.set_defaults(handler=cmd_migrate)

    p = sub.add_parser("district", help="街道汇总：合并各服务站导出的月度汇总数据，生成一份报表（每站一行并合计）")
    p.add_argument("--month", required=True, metavar="YYYY-MM", help="统计月份，如 2025-01")
    p.add_argument("files", nargs="+", metavar="FILE.json",
                   help="各服务站用 gridstation report monthly --export-summary 导出的文件")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="输出的 PDF 文件")
    p.add_argument("--xlsx", metavar="FILE.xlsx", help="同时导出各汇总表到这个 Excel 文件")
    p.add_argument("--office", default="", help="报表抬头，如“关上街道办事处”（默认：各社区服务站）")
    p.set_defaults(handler=cmd_district)


def cmd_migrate(args: argparse.Namespace, target: str) -> int:
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.station import migrate
    from gridstation.core.storage.db import describe

    source = in_path(args.source, "要迁移的数据库文件")
    checks = migrate.migrate_to_server(source, args.target, progress=lambda text: print(text, file=sys.stderr))
    print(table(["数据表", "源行数", "目标行数", "源校验值", "目标校验值", "结果"],
                [[c.table, str(c.source_rows), str(c.target_rows), c.source_sum[:16], c.target_sum[:16],
                  "一致" if c.ok else "不一致"] for c in checks]))
    total = sum(c.target_rows for c in checks)
    print(f"迁移完成：{len(checks)} 个数据表、{total} 行，行数和校验值全部一致，操作日志哈希链完整。"
          f"各窗口请改用 --db {describe(args.target)}（或在设置中填写该地址）；原文件 {source} 不再使用，请妥善保存。")
    return 0


def cmd_district(args: argparse.Namespace, target: str) -> int:
    """Works on the files alone: the street office needs no station database."""
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.statistics import district
    from gridstation.reports.district import title_of, write_district

    month = parse_month(args.month)
    pdf = out_path(args.out, ".pdf")
    xlsx = out_path(args.xlsx, ".xlsx") if args.xlsx else None
    if xlsx is not None and xlsx.resolve() == pdf.resolve():
        raise CommandError("--xlsx 与 --out 不能是同一个文件。")
    summaries = [district.read_summary(Path(name)) for name in args.files]
    write_district(month, summaries, pdf, xlsx, office=args.office)
    print(f"已生成{title_of(month)}（{len(summaries)}个服务站）：{pdf}" + (f"，Excel：{xlsx}" if xlsx else ""))
    return 0


def table(header: list[str], rows: list[list[str]]) -> str:
    """Columns padded by display width, so Chinese headers line up in a terminal."""
    width = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(_pad(cell, w, i) for i, (cell, w) in enumerate(zip(r, width, strict=False))) for r in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in width))
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(cell: str, width: int, column: int) -> str:
    space = " " * (width - _width(cell))
    return space + cell if column in (1, 2) else cell + space
