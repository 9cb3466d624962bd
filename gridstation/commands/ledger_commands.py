"""template, import, export: ledgers (台账) in and out as Excel and CSV.

Usage problems are found before anything is read or written: an unknown option combination, an
output folder that does not exist, a bad date. A dry run prints every bad row and writes nothing;
an all-or-nothing import with a bad row prints the rows, writes nothing and exits 2.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from gridstation.commands.base import CommandError, in_path, open_site, out_path, parse_date
from gridstation.core.rules import clock
from gridstation.core.rules.free_text import clipped

IMPORT_KINDS = ("residents", "intakes", "tools", "loans", "events", "grids", "gridpeople")
EXPORT_KINDS = (*IMPORT_KINDS, "overdue", "roster", "ratings")
DATED_KINDS = ("intakes", "loans")
KINDS_HELP = ("台账种类：residents 居民、intakes 受理、tools 工具、loans 借用、events 网格事件、"
              "grids 网格划分表（网格与楼栋）、gridpeople 网格力量花名册（人员与岗位）")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("template", help="生成导入模板（.xlsx，含填写说明）")
    p.add_argument("kind", choices=IMPORT_KINDS, help=KINDS_HELP)
    p.add_argument("--out", required=True, help="输出的 .xlsx 文件")
    p.set_defaults(handler=cmd_template)

    p = sub.add_parser("import", help="从 Excel 或 CSV 台账导入（默认全部成功才写入）")
    p.add_argument("kind", choices=IMPORT_KINDS, help=KINDS_HELP)
    p.add_argument("file", metavar="FILE", help=".xlsx、.xls、.ods 或 .csv 文件（CSV 可为 UTF-8 或 GBK）")
    p.add_argument("--dry-run", action="store_true", help="只检查，列出每个有问题的行，不写入")
    p.add_argument("--valid-only", action="store_true", help="只导入正确的行，跳过有问题的行")
    p.add_argument("--skipped-report", metavar="FILE", help="与 --valid-only 一起用：跳过的行写入此 .xlsx 文件")
    p.add_argument("--update-existing", action="store_true", help="居民已登记（证件号码相同）时更新其档案，默认跳过")
    p.add_argument("--map", action="append", default=[], metavar="值=业务",
                   help="受理台账：把“业务类型”列中的某个写法对应到服务清单的业务（可重复；导入后记住）")
    p.add_argument("--column", action="append", default=[], metavar="列=字段",
                   help="把文件中的某一列对应到台账的某一项，如 --column 办结日期=销号时间（可重复；导入后记住）")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("export", help="导出为 Excel（身份证号默认打码）")
    p.add_argument("kind", choices=EXPORT_KINDS, help=KINDS_HELP + "，或 overdue（逾期未还工具）、roster（养老金认证名单）、ratings（好差评与整改）")
    p.add_argument("--out", required=True, help="输出的 .xlsx 文件")
    p.add_argument("--from", dest="date_from", help="起始日期 YYYY-MM-DD（受理、借用）")
    p.add_argument("--to", dest="date_to", help="截止日期 YYYY-MM-DD（含当天）")
    p.add_argument("--year", type=int, help="认证年度（roster，默认今年）")
    p.add_argument("--full-id", action="store_true", help="导出完整身份证号和电话号码（须站长权限，记入操作日志；工具台账没有）")
    p.set_defaults(handler=cmd_export)


def cmd_template(args: argparse.Namespace, target: str) -> int:
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.storage.db import is_url

    path = out_path(args.out, ".xlsx")
    # The station's own service fields become intake columns, and every template's footer names the
    # station; before a station exists the other kinds are written without its name.
    has_site = args.kind == "intakes" or is_url(target) or Path(target).exists()
    if has_site:
        open_site(target)
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.ledgers.ledger_templates import write_template

    write_template(args.kind, path, station=None if has_site else "")
    print(f"已生成导入模板：{path}")
    return 0


def cmd_import(args: argparse.Namespace, target: str) -> int:
    source = in_path(args.file, "要导入的文件")
    if args.skipped_report and not args.valid_only:
        raise CommandError("--skipped-report 只能与 --valid-only 一起使用。")
    if args.valid_only and not args.dry_run and not args.skipped_report:
        raise CommandError("使用 --valid-only 时请用 --skipped-report FILE 指定跳过行的报告文件。")
    report_path = out_path(args.skipped_report, ".xlsx") if args.skipped_report else None
    if report_path is not None and report_path.exists() and os.path.samefile(report_path, source):
        raise CommandError(f"跳过行的报告 {report_path.name} 就是要导入的文件，写入会覆盖台账本身。请另给一个文件名。")
    choices = [_map_choice(text, "--map", "值=业务", "办证=失业证") for text in args.map]
    columns = [_map_choice(text, "--column", "列=字段", "办结日期=销号时间") for text in args.column]
    if choices and args.kind != "intakes":
        raise CommandError("--map 只用于受理台账（intakes）。")
    if args.update_existing and args.kind != "residents":
        raise CommandError("--update-existing 只用于居民台账（residents）：其他台账中已在系统中的记录总是跳过。")
    open_site(target)
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.ledgers import column_choices, ledger_import

    ledger = column_choices.open_ledger(source, args.kind, columns)
    for value, service in choices:
        ledger_import.choose_service(ledger, value, service)
    services = ledger_import.match_services(ledger) if args.kind == "intakes" else []
    if args.dry_run:
        print("列的对应：")
        for line in ledger_import.mapping_lines(ledger):
            print(f"  {line}")
        if services:
            print("业务的对应：")
            for match in services:
                print(f"  {match.line()}")
    unknown = [match.value for match in services if match.service is None]
    if unknown and not args.dry_run and not args.valid_only:
        raise CommandError(f"“业务类型”列中有服务清单没有的写法：{'、'.join(f'“{v}”' for v in unknown)}。"
                           f"请用 --map {unknown[0]}=业务名称 指定对应的业务（导入后会记住）。")
    options = ledger_import.ImportOptions(dry_run=args.dry_run, valid_only=args.valid_only,
                                          update_existing=args.update_existing)
    report = ledger_import.run_import(ledger, None, options)
    for line in [*report.problem_lines(), *report.notes]:
        print(line)
    if report_path is not None and report.written and report.problems:
        ledger_import.write_skipped_report(report, ledger, report_path)
        print(f"跳过的 {len(report.bad_rows)} 行已写入：{report_path}")
    if report.problems and not report.written and not args.valid_only:
        raise CommandError(report.summary())
    print(report.summary())
    return 0


def _map_choice(text: str, option: str, form: str, example: str) -> tuple[str, str]:
    """``值=业务`` from --map or ``列=字段`` from --column, split at the last '=' (a ledger's value or
    header may itself hold one; the app's names never do)."""
    value, sep, target = text.rpartition("=")
    if not sep or not value.strip() or not target.strip():
        raise CommandError(f"{option} 应写作 {form}，如 {option} {example}；收到的是“{clipped(text)}”。")
    return value.strip(), target.strip()


def cmd_export(args: argparse.Namespace, target: str) -> int:
    path = out_path(args.out, ".xlsx")
    start = parse_date(args.date_from, "起始日期") if args.date_from else None
    end = parse_date(args.date_to, "截止日期") if args.date_to else None
    if (start or end) and args.kind not in DATED_KINDS:
        raise CommandError("只有受理（intakes）和借用（loans）台账可以按日期导出。")
    if start and end and start > end:
        raise CommandError(f"起始日期 {start} 晚于截止日期 {end}。")
    if args.year is not None and args.kind != "roster":
        raise CommandError("--year 只用于 roster（养老金认证名单）。")
    year = args.year or clock.today().year
    if not 2000 <= year <= clock.today().year + 1:
        raise CommandError(f"认证年度 {year} 不合理。")
    open_site(target)
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.intake import intakes
    from gridstation.core.ledgers import ledger_export
    from gridstation.core.toolbox import loan_lists

    source: object = None
    if args.kind == "intakes":
        source = intakes.IntakeFilter(date_from=start, date_to=end)
    elif args.kind == "loans":
        source = loan_lists.LoanFilter(date_from=start, date_to=end)
    elif args.kind == "roster":
        source = year
    count = ledger_export.export_rows(args.kind, source, path, args.full_id, actor=None)
    shows = ledger_export.EXPORTS[args.kind].FULL_SHOWS
    note = f"（完整{shows}，已记入操作日志）" if args.full_id and shows else ""
    print(f"已导出{ledger_export.EXPORT_NAMES[args.kind]} {count} 行{note}：{path}")
    return 0
