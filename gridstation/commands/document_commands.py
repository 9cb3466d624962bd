"""receipt, slip, notice, pledge, agreement, labels: print a document to a PDF file from the command line.

Every print is recorded in the audit log through the same service as the GUI's
(``core/station/printouts.py``), after the file is complete and before it takes its name: a refused print
(unknown serial, unknown kind) or a refused audit entry (read-only database, lock timeout) leaves
neither a file nor an entry.
"""

from __future__ import annotations

import argparse

from gridstation.commands.base import open_site, out_path
from gridstation.core.storage.output_files import staged


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("receipt", help="重新打印受理回执（PDF）")
    p.add_argument("serial", metavar="SERIAL", help="受理编号")
    p.add_argument("--out", required=True, help="输出的 PDF 文件")
    p.add_argument("--size", choices=["A5", "80mm"], default=None, help="纸张（默认按设置：A5 或 80mm 卷纸）")
    p.set_defaults(handler=cmd_receipt)

    p = sub.add_parser("slip", help="重新打印借用单（PDF）")
    p.add_argument("slip_no", metavar="SLIP_NO", help="借用单号")
    p.add_argument("--out", required=True, help="输出的 PDF 文件")
    p.set_defaults(handler=cmd_slip)

    p = sub.add_parser("notice", help="重新打印一次性告知单（PDF）")
    p.add_argument("serial", metavar="SERIAL", help="受理编号（待补正的登记）")
    p.add_argument("--out", required=True, help="输出的 PDF 文件")
    p.set_defaults(handler=cmd_material_document, mode="notice")

    p = sub.add_parser("pledge", help="重新打印容缺受理承诺书（PDF）")
    p.add_argument("serial", metavar="SERIAL", help="受理编号（容缺受理的受理）")
    p.add_argument("--out", required=True, help="输出的 PDF 文件")
    p.set_defaults(handler=cmd_material_document, mode="pledge")

    p = sub.add_parser("agreement", help="重新打印人民调解协议书（PDF）")
    p.add_argument("number", metavar="NUMBER", help="事件编号（调解成功的矛盾纠纷）")
    p.add_argument("--out", required=True, help="输出的 PDF 文件")
    p.set_defaults(handler=cmd_agreement)

    p = sub.add_parser("labels", help="打印资产标签（A4 标签纸，PDF）")
    p.add_argument("--out", required=True, help="输出的 PDF 文件")
    p.add_argument("--kind", default=None, help="只打印这一种工具（工具名称）")
    p.add_argument("--layout", choices=["3x8", "4x10"], default=None, help="标签版式（默认按设置）")
    p.set_defaults(handler=cmd_labels)


def cmd_receipt(args: argparse.Namespace, target: str) -> int:
    path = out_path(args.out, ".pdf")
    open_site(target)
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.intake import intakes
    from gridstation.core.station import printouts
    from gridstation.reports.receipt import write_receipt

    serial = intakes.get_intake(args.serial).serial
    with staged(path) as partial:
        write_receipt(serial, partial, size=args.size)
        printouts.record(None, printouts.RECEIPT, serial, printed=True, detail={"file": path.name})
    print(f"已生成受理回执：{path}")
    return 0


def cmd_slip(args: argparse.Namespace, target: str) -> int:
    path = out_path(args.out, ".pdf")
    open_site(target)
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.station import printouts
    from gridstation.core.toolbox import lending
    from gridstation.reports.loan_slip import write_loan_slip

    slip_no = lending.get_loan(args.slip_no).slip_no
    with staged(path) as partial:
        write_loan_slip(slip_no, partial)
        printouts.record(None, printouts.SLIP, slip_no, printed=True, detail={"file": path.name})
    print(f"已生成借用单：{path}")
    return 0


def cmd_material_document(args: argparse.Namespace, target: str) -> int:
    """The 一次性告知单 (notice) or 容缺受理承诺书 (pledge) of an intake, recorded as the GUI records it."""
    path = out_path(args.out, ".pdf")
    open_site(target)
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.intake import intakes
    from gridstation.core.station import printouts
    from gridstation.reports.material_notices import NOTICE_TITLE, PLEDGE_TITLE, write_notice, write_pledge

    write, title, document = ((write_notice, NOTICE_TITLE, printouts.NOTICE) if args.mode == "notice"
                              else (write_pledge, PLEDGE_TITLE, printouts.PLEDGE))
    serial = intakes.get_intake(args.serial).serial
    with staged(path) as partial:
        write(serial, partial)
        printouts.record(None, document, serial, printed=True, detail={"file": path.name})
    print(f"已生成{title}：{path}")
    return 0


def cmd_agreement(args: argparse.Namespace, target: str) -> int:
    path = out_path(args.out, ".pdf")
    open_site(target)
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.events import agreement
    from gridstation.core.station import printouts
    from gridstation.reports.mediation_agreement import write_agreement

    data = agreement.agreement_data(args.number)
    with staged(path) as partial:
        write_agreement(data, partial)
        printouts.record(None, printouts.AGREEMENT, data.number, printed=True, detail={"file": path.name})
    print(f"已生成人民调解协议书：{path}")
    return 0


def cmd_labels(args: argparse.Namespace, target: str) -> int:
    path = out_path(args.out, ".pdf")
    open_site(target)
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.station import printouts
    from gridstation.reports.labels import write_labels

    with staged(path) as partial:
        write_labels(partial, kind=args.kind, layout=args.layout)
        printouts.record(None, printouts.LABELS, args.kind or printouts.ALL_LABELS, printed=True,
                         detail={"file": path.name})
    print(f"已生成资产标签：{path}")
    return 0
