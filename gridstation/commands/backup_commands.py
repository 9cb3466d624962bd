"""backup, restore, check and audit verify: keeping the site's data safe."""

from __future__ import annotations

import argparse
from pathlib import Path

from gridstation.commands.base import in_path, open_site


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="备份数据库（在线备份并校验）")
    p.add_argument("--to", help="备份文件夹（默认：设置中的备份文件夹，或数据库旁的 backups）")
    p.set_defaults(handler=cmd_backup)
    p = sub.add_parser("restore", help="从备份文件恢复数据库（被替换的数据库先另存为备份）")
    p.add_argument("file")
    p.set_defaults(handler=cmd_restore)
    p = sub.add_parser("check", help="检查数据库完整性和外键")
    p.set_defaults(handler=cmd_check)
    p = sub.add_parser("audit", help="操作日志")
    audit_sub = p.add_subparsers(dest="audit_command", metavar="命令", required=True)
    v = audit_sub.add_parser("verify", help="校验操作日志的哈希链，发现被修改、删除或插入的记录")
    v.set_defaults(handler=cmd_audit_verify)
    a = audit_sub.add_parser("acknowledge", help="管理员确认已处理篡改发现（记入操作日志），verify 不再报告它们")
    a.set_defaults(handler=cmd_audit_acknowledge)


def cmd_backup(args: argparse.Namespace, target: str) -> int:
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.station import backup

    open_site(target)
    result = backup.backup_site(None, target, Path(args.to) if args.to else None, label="manual")
    print(f"已备份并校验：{result.path}（{sum(result.rows.values())} 行）")
    return 0


def cmd_restore(args: argparse.Namespace, target: str) -> int:
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.station import backup, station

    source = in_path(args.file, "备份文件")
    backup.verify_file(source)
    kept = station.restore_file(None, target, source)
    note = f"，原数据库已另存为 {kept}" if kept else ""
    print(f"已从 {source.name} 恢复数据库{note}。")
    return 0


def cmd_check(args: argparse.Namespace, target: str) -> int:
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.station import backup

    open_site(target, read_only=True)
    problems = backup.integrity_problems()
    for line in problems:
        print(line)
    if problems:
        return 1
    print("数据库检查通过（完整性、外键）。")
    return 0


def cmd_audit_verify(args: argparse.Namespace, target: str) -> int:
    import sys

    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.station import backup
    from gridstation.core.storage import models as m

    open_site(target, read_only=True)
    problem = backup.verify_log(target)
    if problem is not None:
        print(f"操作日志第 {problem.entry_id} 条：{problem.reason}。", file=sys.stderr)
        return 1
    print(f"操作日志完整：共 {m.AuditLog.select().count()} 条，哈希链校验通过。")
    return 0


def cmd_audit_acknowledge(args: argparse.Namespace, target: str) -> int:
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.station import audit

    open_site(target)
    count = audit.acknowledge_findings(None)
    print(f"已确认 {count} 次篡改发现（已记入操作日志）。")
    return 0
