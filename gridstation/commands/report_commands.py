"""report monthly / report annual: the station head's statistics as PDF (and Excel) files.

Arguments are checked before the database is opened, so a malformed or future month exits 2
with one Chinese line and leaves no file behind.
"""

from __future__ import annotations

import argparse
import contextlib
import re
from pathlib import Path

from gridstation.commands.base import CommandError, open_site, out_path, parse_month
from gridstation.core.rules import clock
from gridstation.core.storage.output_files import staged

FIRST_YEAR = 2000


def register(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser("report", help="生成统计报表：月度统计、年度统计")
    kinds = report.add_subparsers(dest="report_kind", metavar="种类", required=True,
                                  parser_class=type(report))

    p = kinds.add_parser("monthly", help="月度统计（A4 PDF，可同时导出 Excel）")
    p.add_argument("--month", required=True, metavar="YYYY-MM", help="统计月份，如 2025-01")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="输出的 PDF 文件")
    p.add_argument("--xlsx", metavar="FILE.xlsx", help="同时导出各统计表到这个 Excel 文件")
    p.add_argument("--export-summary", metavar="FILE.json",
                   help="同时导出供街道汇总的月度数据（gridstation district 读取；格式见 gridstation/core/statistics/district.py）")
    p.set_defaults(handler=cmd_monthly)

    p = kinds.add_parser("annual", help="年度统计（A4 PDF，含工作总结参考段落，可同时导出 Excel）")
    p.add_argument("--year", required=True, metavar="YYYY", help="统计年度，如 2025")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="输出的 PDF 文件")
    p.add_argument("--xlsx", metavar="FILE.xlsx", help="同时导出各统计表到这个 Excel 文件")
    p.set_defaults(handler=cmd_annual)


def parse_year(value: str) -> int:
    """A four-digit year from FIRST_YEAR to this year."""
    if not re.fullmatch(r"\d{4}", value.strip()):
        raise CommandError(f"年份“{value}”格式不正确，应为四位数字，如 2025。")
    year = int(value)
    if year > clock.today().year:
        raise CommandError(f"{year}年还没有到，不能统计。")
    if year < FIRST_YEAR:
        raise CommandError(f"年份 {year} 过早，请核对（最早 {FIRST_YEAR} 年）。")
    return year


def cmd_monthly(args: argparse.Namespace, target: str) -> int:
    month = parse_month(args.month)
    pdf = out_path(args.out, ".pdf")
    xlsx = _workbook_beside(pdf, args.xlsx)
    summary = out_path(args.export_summary, ".json") if args.export_summary else None  # never the .pdf or .xlsx
    open_site(target)
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.statistics.stats import record_report
    from gridstation.reports.monthly import title_of, write_monthly

    files = [p for p in (pdf, xlsx, summary) if p is not None]
    with contextlib.ExitStack() as stack:  # every file exists only if the report's audit entry does
        partial = {p: stack.enter_context(staged(p)) for p in files}
        write_monthly(month, partial[pdf], partial.get(xlsx))
        if summary is not None:
            from gridstation.core.statistics.district import summary_json
            from gridstation.reports.pdf_build import save_atomically

            save_atomically(partial[summary], summary_json(month).encode("utf-8"))
        record_report(None, title_of(month), files)
    print(f"已生成{title_of(month)}：{pdf}" + (f"，Excel：{xlsx}" if xlsx else "") + (f"，汇总数据：{summary}" if summary else ""))
    return 0


def cmd_annual(args: argparse.Namespace, target: str) -> int:
    year = parse_year(args.year)
    pdf = out_path(args.out, ".pdf")
    xlsx = _workbook_beside(pdf, args.xlsx)
    open_site(target)
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.statistics.stats import record_report
    from gridstation.reports.annual import title_of, write_annual

    files = [p for p in (pdf, xlsx) if p is not None]
    with contextlib.ExitStack() as stack:  # every file exists only if the report's audit entry does
        partial = {p: stack.enter_context(staged(p)) for p in files}
        write_annual(year, partial[pdf], partial.get(xlsx))
        record_report(None, title_of(year), files)
    print(f"已生成{title_of(year)}：{pdf}" + (f"，Excel：{xlsx}" if xlsx else ""))
    return 0


def _workbook_beside(pdf: Path, xlsx_arg: str | None) -> Path | None:
    """The --xlsx file of a report, never the PDF itself."""
    xlsx = out_path(xlsx_arg, ".xlsx") if xlsx_arg else None
    if xlsx is not None and xlsx.resolve() == pdf.resolve():
        raise CommandError("--xlsx 与 --out 不能是同一个文件。")
    return xlsx
