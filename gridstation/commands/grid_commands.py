"""grids list | board | table: the grid register from the command line — the tree, and its two printed
documents (网格员公示牌, 网格责任分布表).

A printed document is recorded in the audit log as the GUI records a print (``core/station/printouts.py``),
inside the staging of its file: a refused board (unknown grid, a building not in it) or a refused audit
entry leaves neither a file nor an entry. Stored text is printed through ``free_text.shown``.
"""

from __future__ import annotations

import argparse
import sys

from gridstation.commands.base import open_site, out_path
from gridstation.core.rules.free_text import shown
from gridstation.core.storage.output_files import staged


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("grids", help="网格登记：网格树、网格员公示牌、网格责任分布表")
    grids_sub = p.add_subparsers(dest="grids_command", metavar="操作", required=True)

    q = grids_sub.add_parser("list", help="列出网格树（编号、层级、类型、楼栋数、人员数）")
    q.set_defaults(handler=cmd_list)

    q = grids_sub.add_parser("board", help="打印网格员公示牌（PDF，A4 或 A5 竖版）")
    q.add_argument("--grid", required=True, help="网格编号，或唯一的网格名称")
    q.add_argument("--building", default="", help="楼栋，如 阳光小区3号楼 或 3栋（该网格内的楼栋）")
    q.add_argument("--unit", default="", help="单元，如 2单元（需同时指定楼栋）")
    q.add_argument("--size", choices=["A4", "A5"], default="A4", help="纸张（默认 A4）")
    q.add_argument("--out", required=True, help="输出的 PDF 文件")
    q.set_defaults(handler=cmd_board)

    q = grids_sub.add_parser("table", help="打印网格责任分布表（PDF，A4 横版）")
    q.add_argument("--out", required=True, help="输出的 PDF 文件")
    q.set_defaults(handler=cmd_table)


def cmd_list(args: argparse.Namespace, target: str) -> int:
    open_site(target)
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.grids import board

    rows = board.distribution_table().rows
    print("\t".join(("编号", "网格", "层级", "类型", "楼栋数", "人员数")))
    for row in rows:
        print("\t".join((row.code, "　" * row.depth + shown(row.name), shown(row.level), row.kind,
                         str(row.building_count), str(row.people_count))))
    print(f"共 {len(rows)} 个网格。")
    return 0


def cmd_board(args: argparse.Namespace, target: str) -> int:
    path = out_path(args.out, ".pdf")
    open_site(target)
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.grids import board
    from gridstation.core.station import printouts
    from gridstation.reports.grid_board import TITLE, render_board

    data = board.board(args.grid, args.building, args.unit)
    with staged(path) as partial:
        render_board(data, partial, size=args.size)
        printouts.record(None, printouts.GRID_BOARD, data.code, printed=True,
                         detail={"file": path.name, **({"building": data.place} if data.place else {})})
    print(f"已生成{TITLE}（{shown(data.grid)}{shown(data.place)}）：{path}")
    if not data.supervision_phone:
        print("提示：本站还没有设置监督电话（也没有服务站电话），公示牌上印的是“—”：请在 设置 → 服务站 填写。", file=sys.stderr)
    return 0


def cmd_table(args: argparse.Namespace, target: str) -> int:
    path = out_path(args.out, ".pdf")
    open_site(target)
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.grids import board
    from gridstation.core.station import printouts
    from gridstation.reports.grid_table import TITLE, render_table

    data = board.distribution_table()
    with staged(path) as partial:
        render_table(data, partial)
        printouts.record(None, printouts.GRID_TABLE, printouts.ALL_LABELS, printed=True,
                         detail={"file": path.name})
    print(f"已生成{TITLE}（{len(data.rows)}个网格）：{path}")
    return 0
