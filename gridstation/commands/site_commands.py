"""init, demo, selftest, screenshot: setting up and checking a site."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from gridstation.commands.base import CommandError, open_site, out_path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="创建或升级数据库，并建立第一个管理员账号")
    p.add_argument("--station", required=True, help="服务站名称")
    p.add_argument("--admin", default="admin", help="管理员登录名（默认 admin）")
    p.add_argument("--admin-name", default="", help="管理员的姓名（回执上的经办人；默认“管理员”，以后可在设置中修改）")
    p.add_argument("--address", default="", help="服务站地址")
    p.add_argument("--phone", default="", help="服务站电话")
    p.add_argument("--prefix", default=None, help="受理编号前缀（默认 SL）")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", help="新建一个演示数据库（只用于还不存在的文件；同一种子生成相同数据）")
    p.add_argument("--residents", type=int, default=2000)
    p.add_argument("--intakes", type=int, default=5000)
    p.add_argument("--loans", type=int, default=800)
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("selftest", help="打开数据库、检查完整性、生成每种文档、打开每个页面和窗口，成功退出码为0")
    p.set_defaults(handler=cmd_selftest)

    p = sub.add_parser("screenshot", help="离屏打开主窗口的某一页并保存为 PNG")
    p.add_argument("--page", default="intake", help="页面：intake residents tools stats settings")
    p.add_argument("--out", required=True)
    p.add_argument("--width", type=int, default=1366, help="窗口宽度，默认 1366（最常见的办公电脑屏幕）")
    p.add_argument("--height", type=int, default=768)
    p.set_defaults(handler=cmd_screenshot)


def _password(prompt: str) -> str:
    env = os.environ.get("GRIDSTATION_ADMIN_PASSWORD")
    if env:
        return env
    if not sys.stdin or not sys.stdin.isatty():
        raise CommandError("请在终端中输入密码，或设置环境变量 GRIDSTATION_ADMIN_PASSWORD。")
    first = getpass.getpass(prompt)
    if getpass.getpass("再次输入密码：") != first:
        raise CommandError("两次输入的密码不一致。")
    return first


def cmd_init(args: argparse.Namespace, target: str) -> int:
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.station import station
    from gridstation.core.storage.db import describe, is_url

    password = _password(f"管理员 {args.admin} 的密码：")
    opened, _admin = station.create_site(target, args.station, args.admin, password, address=args.address,
                                         phone=args.phone, serial_prefix=args.prefix, admin_name=args.admin_name)

    word = "已创建" if opened.version_before == 0 else "已检查"
    print(f"数据库{word}：{describe(target)}（结构版本 {opened.version_after}），服务站：{args.station}，管理员：{args.admin}")
    if is_url(target) and 0 < opened.version_before < opened.version_after:
        print("注意：服务器数据库升级前不做文件备份，请用服务器的备份（如 pg_dump）保留升级前的数据。")
    return 0


def cmd_demo(args: argparse.Namespace, target: str) -> int:
    import time

    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.station import station
    from gridstation.demo import demo, demo_target

    for name in ("residents", "intakes", "loans"):
        if getattr(args, name) < 0:
            raise CommandError(f"--{name} 不能为负数。")
    demo.check_counts({"residents": args.residents, "intakes": args.intakes, "loans": args.loans})
    demo_target.check_new(target)
    station.open_site(target, create=True)
    started = time.perf_counter()
    counts = demo.generate(residents=args.residents, intakes=args.intakes, loans=args.loans, seed=args.seed,
                           progress=lambda text: print(text, file=sys.stderr))
    took = time.perf_counter() - started
    print(f"演示数据已生成：居民 {counts['residents']}，受理 {counts['intakes']}，借用 {counts['loans']}（{took:.1f} 秒）")
    return 0


def cmd_selftest(args: argparse.Namespace, target: str) -> int:
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.selftest import run_selftest

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # every page and dialog opens, off the screen
    open_site(target)
    problems = run_selftest(report=print)
    if problems:
        for line in problems:
            print(line, file=sys.stderr)
        return 1
    print("自检通过。")
    return 0


def cmd_screenshot(args: argparse.Namespace, target: str) -> int:
    path = out_path(args.out, ".png")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    open_site(target)
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.ui.window.screenshot import save_screenshot

    save_screenshot(args.page, path, args.width, args.height)
    print(f"已保存：{path}")
    return 0
