"""events add | list | show: grid events (网格事件) from the command line (scripts, a worker's batch of rounds).

Stored text is printed through ``free_text.shown``: text stored before control characters were refused
must not send escape sequences to the terminal.
"""

from __future__ import annotations

import argparse

from gridstation.commands.base import CommandError, open_site
from gridstation.core.rules.free_text import shown


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("events", help="网格事件：登记、列表、查看")
    events_sub = p.add_subparsers(dest="events_command", metavar="操作", required=True)

    q = events_sub.add_parser("add", help="登记一件网格事件，打印事件编号和处置期限")
    q.add_argument("--category", required=True, help="事件类别，如 环境卫生、设施损坏、矛盾纠纷")
    q.add_argument("--level", default="一般", help="一般（默认）或 紧急")
    q.add_argument("--source", default="巡查发现", help="巡查发现（默认）、居民反映、上级交办、12345")
    q.add_argument("--description", required=True, help="发现的问题")
    q.add_argument("--grid", default="", help="网格编号，或唯一的网格名称")
    q.add_argument("--place", default="", help="地点")
    q.add_argument("--reporter", default="", help="反映人姓名（居民反映时必填）")
    q.add_argument("--reporter-phone", default="", help="反映人电话")
    q.add_argument("--photo", action="append", default=[], help="处置前照片文件，可多次给出")
    q.set_defaults(handler=cmd_add)

    q = events_sub.add_parser("list", help="列出事件（电话已遮挡）")
    q.add_argument("--which", default="在办", choices=["在办", "逾期", "已销号", "全部"], help="哪一类（默认在办）")
    q.add_argument("--grid", default="", help="只列这个网格（编号或唯一的名称）")
    q.add_argument("--limit", type=int, default=500, help="最多列出多少件（默认500）")
    q.set_defaults(handler=cmd_list)

    q = events_sub.add_parser("show", help="一件事件的详情和处置经过")
    q.add_argument("number", metavar="事件编号")
    q.set_defaults(handler=cmd_show)


def _grid_id(text: str, *, include_closed: bool = False) -> int | None:
    """The grid by code or a name only one grid has (``register.find_grid``); a name several share is
    refused with their codes (exit 2), as an unknown one is."""
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.grids import register

    return register.find_grid(text, include_closed=include_closed).id if text.strip() else None


def cmd_add(args: argparse.Namespace, target: str) -> int:
    open_site(target)
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.events.register import EventInput, PartyInput, register_event
    from gridstation.core.grids.choices import suggest

    reporter = PartyInput(name=args.reporter, phone=args.reporter_phone) if args.reporter or args.reporter_phone else None
    grid_id = _grid_id(args.grid)
    placed = suggest(place=args.place) if grid_id is None and args.place else None  # as the dialog suggests it
    if placed is not None and placed.grid is not None:
        grid_id = placed.grid.id
    event = register_event(None, EventInput(
        category=args.category, level=args.level, description=args.description, source=args.source,
        grid_id=grid_id, place=args.place, reporter=reporter, photos=args.photo,
        assignee_id=placed.person.id if placed is not None and placed.person is not None else None))
    where = f"，网格：{shown(event.grid.name)}" if event.grid_id else ""
    print(f"已登记网格事件 {event.number}{where}，处置期限 {event.due_date:%Y-%m-%d}。")
    return 0


def cmd_list(args: argparse.Namespace, target: str) -> int:
    if args.limit < 1:
        raise CommandError("--limit 应为正整数。")
    open_site(target)
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.events import queries, rules
    from gridstation.core.rules.idcard import mask_phone

    which = {"在办": queries.OPEN, "逾期": rules.OVERDUE, "已销号": queries.CLOSED_LIST, "全部": queries.ALL}[args.which]
    rows = list(queries.query_events(queries.EventFilter(which=which, grid_id=_grid_id(args.grid, include_closed=True))).limit(args.limit))
    reporters = queries.reporters([e.id for e in rows])
    print("\t".join(("事件编号", "类别", "等级", "状态", "网格", "处置期限", "反映人", "问题")))
    for e in rows:
        p = reporters.get(e.id)
        cells = (e.number, e.category, e.level, e.status + ("·逾期" if rules.is_overdue(e) else ""),
                 e.grid.name if e.grid_id else "", f"{e.due_date:%Y-%m-%d}",
                 f"{p.name} {mask_phone(p.phone)}".strip() if p else "", e.description[:40])
        print("\t".join(" ".join(shown(cell).split()) for cell in cells))  # one row a line, one cell a column
    print(f"共列出 {len(rows)} 件。")
    return 0


def cmd_show(args: argparse.Namespace, target: str) -> int:
    open_site(target)
    # late import (start-up time): every run, the window's too, loads all command modules
    from gridstation.core.events.register import get_event, history

    e = get_event(args.number)
    print(shown(f"{e.number}　{e.category}·{e.level}　{e.status}　处置期限 {e.due_date:%Y-%m-%d}"))
    print(shown(f"问题：{e.description}"))
    people = (("网格", e.grid.name if e.grid_id else "未分网格"), ("地点", e.place),
              ("发现人", e.finder.name if e.finder_id else ""), ("经办人", e.assigned_to.name if e.assigned_to_id else ""))
    print(shown("　".join(f"{label}：{value}" for label, value in people if value)))
    for step in history(e):
        who = step.staff.display_name if step.staff else "系统"
        print(shown(f"{step.at:%Y-%m-%d %H:%M}\t{step.action}\t{who}\t{step.note}"))
    return 0
