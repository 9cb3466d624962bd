"""tools overdue, tools stocktake [--pdf]: the tool box from the command line (scripts, handheld scanners)."""

from __future__ import annotations

import argparse

from gridstation.commands.base import CommandError, in_path, open_site, out_path
from gridstation.core.rules.free_text import clipped, shown

SCAN_LIMIT = 5 * 2**20  # a scan list of 10 000 codes is about 100 KB


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tools", help="共享工具箱：逾期清单、盘点")
    tools_sub = p.add_subparsers(dest="tools_command", metavar="操作", required=True)

    q = tools_sub.add_parser("overdue", help="列出逾期未还的借用单（电话已遮挡）")
    q.add_argument("--limit", type=int, default=500, help="最多列出多少张（默认500）")
    q.set_defaults(handler=cmd_overdue)

    q = tools_sub.add_parser("stocktake", help="按扫描枪导出的编号文件盘点（每行一个资产编号）并保存结果")
    q.add_argument("file", metavar="FILE", help="UTF-8 文本文件，每行一个资产编号")
    q.add_argument("--pdf", metavar="OUT.pdf", help="同时生成盘点结果 PDF（A4，可打印签字存档）")
    q.set_defaults(handler=cmd_stocktake)


def cmd_overdue(args: argparse.Namespace, target: str) -> int:
    if args.limit < 1:
        raise CommandError("--limit 应为正整数。")
    open_site(target)
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.toolbox import loan_lists

    rows = loan_lists.overdue_rows(limit=args.limit)
    print("\t".join(("借用单号", "居民", "电话", "工具", "应还日期", "逾期天数", "催还次数")))
    for row in rows:
        print("\t".join((row.loan.slip_no, row.loan.resident.name, row.masked_phone,
                         "、".join(f"{name} {code}" for name, code in row.tools),
                         f"{row.loan.due_date:%Y-%m-%d}", str(row.days_overdue), str(row.reminders))))
    print(f"共 {loan_lists.count_overdue()} 张借用单逾期未还。")
    return 0


def cmd_stocktake(args: argparse.Namespace, target: str) -> int:
    path = in_path(args.file, "文件")
    # The PDF's folder is checked first: a stock-take saved but never printed would be counted again.
    pdf = out_path(args.pdf, ".pdf") if args.pdf else None
    if path.stat().st_size > SCAN_LIMIT:
        raise CommandError(f"文件 {path.name} 有 {path.stat().st_size / 2**20:,.1f} MB，不像扫描枪导出的编号清单"
                           f"（一万个编号约 100 KB，上限 {SCAN_LIMIT // 2**20} MB），盘点未保存。请检查是否选错了文件。")
    try:
        codes = path.read_text(encoding="utf-8-sig").split()
    except UnicodeDecodeError:
        raise CommandError(f"文件 {path} 不是 UTF-8 文本，请另存为 UTF-8 后重试。") from None
    open_site(target)
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.toolbox import tool_stocktake as stock

    stock.check_scan_list(path.name, codes)
    result = stock.stock_take(None, codes)
    print(f"盘点已保存（第 {result.id} 号），共扫描 {result.scanned} 件。")
    for key, found in ((stock.MISSING, result.missing), (stock.ON_LOAN_FOUND, result.on_loan),
                       (stock.OTHER_STATE, result.other_state), (stock.MATCHED, result.matched)):
        print(f"{stock.LABELS[key]}（{len(found)}）：{'、'.join(found) or '无'}")
    for key, found in ((stock.UNKNOWN, result.unknown), (stock.FOREIGN, result.foreign)):
        print(f"{stock.LABELS[key]}（{len(found)}）：{_sample(found)}")
    if pdf is not None:
        from gridstation.reports.stocktake import write_stocktake

        print(f"已生成盘点结果：{write_stocktake(result.id, pdf)}")
    return 0


def _sample(found: list[str], most: int = 5, width: int = 20) -> str:
    """Codes not of this station come from the file as it is: a few, cut short and made safe to print."""
    if not found:
        return "无"
    cut = [shown(clipped(c, width)) for c in found[:most]]
    return "、".join(cut) + (f" 等 {len(found)} 个" if len(found) > most else "")
