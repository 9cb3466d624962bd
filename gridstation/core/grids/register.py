"""The grid tree: adding, editing and closing grids, and finding one by code or name.

Boundaries change (统一编码、动态调整), so a grid is never deleted for a change of boundaries: it is closed
on a day and keeps its rows, and figures of past periods keep counting what was in it (splitting and
merging: ``boundaries.py``). Every change is one audit entry under ``grid``,
named by the grid's code, that the audit page reads as a Chinese sentence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import peewee

from gridstation.core.grids import rules
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.rules.free_text import clean_text
from gridstation.core.rules.pinyin_keys import sort_key
from gridstation.core.station import audit
from gridstation.core.station.roles import HEAD, require
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction

NAME_LIMIT = 40
_LABEL = re.compile(r"(.+)（([A-Za-z0-9-]{1,20})）")
SCOPE_LIMIT = 500


@dataclass
class GridInput:
    """What the register page, the command line or a ledger row supplies; every field is checked.

    ``parent`` is the parent's code or unique name ("" for a grid directly under the community);
    ``code`` "" gives the next WG number.
    """

    name: str
    level: str = "四级"
    kind: str = rules.GENERAL
    parent: str = ""
    code: str = ""
    scope: str = ""
    opened_on: dt.date | None = None


def open_condition(on: dt.date | None = None) -> peewee.Expression:
    """Grids open on ``on`` (today when not given): opened by then, not yet closed. A closed grid keeps its
    rows for the figures of the periods it was open."""
    day = on or clock.today()
    opened = m.Grid.opened_on.is_null() | (m.Grid.opened_on <= day)
    return opened & (m.Grid.closed_on.is_null() | (m.Grid.closed_on > day))


def grid_label(grid: m.Grid) -> str:
    """How a list shows a grid: its name, with its code where the name is not enough (第一网格（WG003）)."""
    return grid.name if grid.code is None else f"{grid.name}（{grid.code}）"


def grid_choices(*, include_closed: bool = False) -> list[tuple[str, int]]:
    """Grids as (label, id) in the one Chinese order (第二网格 before 第十网格), for lists and filters:
    the name alone where it is unique, else with its code."""
    query = m.Grid.select(m.Grid.id, m.Grid.name, m.Grid.code)
    grids = list(query if include_closed else query.where(open_condition()))
    counts: dict[str, int] = {}
    for grid in grids:
        counts[grid.name] = counts.get(grid.name, 0) + 1
    labelled = [(grid.name if counts[grid.name] == 1 else grid_label(grid), grid.id) for grid in grids]
    return sorted(labelled, key=lambda g: sort_key(g[0]))


def find_grid(text: str, *, include_closed: bool = False) -> m.Grid:
    """The grid a person named: by its code, or by a name only one open grid has.

    Names repeat under different parents (two 第一网格 in two 三级网格), so a name that several grids
    share is refused with their codes, and the staff type the code instead.
    """
    wanted = clean_text(text, "网格名称或编号", NAME_LIMIT + 22, required=True, field="grid")
    labelled = _LABEL.fullmatch(wanted)  # 第一网格（WG003）, as grid_choices lists a name several grids share
    if labelled is None:
        clean_text(wanted, "网格名称或编号", NAME_LIMIT, field="grid")
    by_code = m.Grid.get_or_none(m.Grid.code == (labelled.group(2) if labelled else wanted).upper())
    if by_code is not None:
        return by_code
    named = m.Grid.select().where(m.Grid.name == wanted)
    if not include_closed:
        named = named.where(open_condition())
    found = list(named.order_by(m.Grid.code))
    if len(found) == 1:
        return found[0]
    if found:
        codes = "、".join(f"{g.code}" + (f"（属{g.parent.name}）" if g.parent_id else "") for g in found)
        raise DomainError(f"有{len(found)}个网格都叫“{wanted}”：{codes}，请写网格编号。", field="grid")
    closed = m.Grid.select().where(m.Grid.name == wanted).order_by(m.Grid.closed_on.desc()).first()
    if closed is not None:  # not found among the open grids (a ledger may then make one of the name again)
        raise NotFound(f"网格“{grid_label(closed)}”已于 {closed.closed_on:%Y-%m-%d} 撤销，请选择现有的网格。",
                       field="grid")
    raise NotFound(f"没有名称或编号为“{wanted}”的网格，请从列表中选择，或由站长先在网格登记中添加。", field="grid")


def get_grid(grid_id: int) -> m.Grid:
    grid = m.row_or_none(m.Grid, grid_id)
    if grid is None:
        raise NotFound(f"找不到编号为 {grid_id} 的网格。")
    return grid


def children_of(grid: m.Grid | None, *, include_closed: bool = False) -> list[m.Grid]:
    """The grids directly under ``grid`` (None: under the community), in Chinese order."""
    query = m.Grid.select().where(m.Grid.parent.is_null() if grid is None else m.Grid.parent == grid)
    if not include_closed:
        query = query.where(open_condition())
    return sorted(query, key=lambda g: sort_key(g.name))


def check_name_free(name: str, parent_id: int | None, except_id: int | None = None) -> None:
    """The one rule for grid names: among open grids, a parent has one child of each name.

    The same name under another parent is allowed (each has its code), and a closed grid's name may be
    given again (the new grid is another area with its own code).
    """
    same = m.Grid.select(m.Grid.code).where((m.Grid.name == name) & open_condition()
                                            & (m.Grid.parent.is_null() if parent_id is None else m.Grid.parent == parent_id))
    if except_id is not None:
        same = same.where(m.Grid.id != except_id)
    clash = same.first()
    if clash is not None:
        where = "社区下" if parent_id is None else f"“{get_grid(parent_id).name}”下"
        raise DomainError(f"{where}已有名为“{name}”的网格（{clash.code}），同一上级下的网格不能重名。", field="name")


def checked_values(data: GridInput, grid_id: int | None) -> dict:
    """Checked column values of a grid; the parent is found by code or unique name and may not be the
    grid itself or one of its own descendants (the tree would become a loop)."""
    name = rules.check_public_name(data.name, "网格名称", NAME_LIMIT, field="name")
    level = rules.check_level(data.level)
    parent = find_grid(data.parent) if data.parent.strip() else None
    if parent is not None and grid_id is not None and grid_id in line_of(parent):
        raise DomainError(f"“{parent.name}”是本网格或它的下级，不能作为上级网格。", field="parent")
    if parent is not None and parent.closed_on is not None:
        raise DomainError(f"上级网格“{parent.name}”已于 {parent.closed_on:%Y-%m-%d} 撤销。", field="parent")
    if parent is not None:
        rules.check_below(level, parent.level)
    if grid_id is not None:  # a grid whose level changes stays above its own grids
        for child in m.Grid.select(m.Grid.level).where((m.Grid.parent == grid_id) & open_condition()):
            rules.check_below(child.level, level)
    return {"name": name, "level": level, "kind": rules.check_kind(data.kind),
            "parent": parent.id if parent else None, "code": rules.check_code(data.code),
            "scope": clean_text(data.scope, "网格范围", SCOPE_LIMIT, lines=True, field="scope"),
            "opened_on": data.opened_on}


def line_of(grid: m.Grid) -> list[int]:
    """The ids from ``grid`` up to the top of the tree."""
    line, current = [], grid
    while current is not None and current.id not in line:
        line.append(current.id)
        current = current.parent if current.parent_id else None
    return line


def audit_view(grid: m.Grid) -> dict:
    """A grid as its audit entry keeps it: words and dates, the parent by name."""
    return {"code": grid.code, "name": grid.name, "level": grid.level, "kind": grid.kind,
            "parent": grid.parent.name if grid.parent_id else "", "scope": grid.scope,
            "opened_on": grid.opened_on, "closed_on": grid.closed_on}


def create_row(values: dict) -> m.Grid:
    """A new grid row, its code checked or given; inside the caller's write."""
    check_name_free(values["name"], values["parent"])
    code = values["code"] or rules.next_code([c for (c,) in m.Grid.select(m.Grid.code)
                                              .where(m.Grid.code.is_null(False)).tuples()])
    if m.Grid.select().where(m.Grid.code == code).exists():
        raise DomainError(f"网格编号 {code} 已被使用，请换一个编号。", field="code")
    return m.Grid.create(**{**values, "code": code})


def add_grid(actor: m.Staff | None, data: GridInput, *, at: dt.datetime | None = None) -> m.Grid:
    """A new grid under the community or under another grid (the head's work)."""
    require(actor, HEAD)
    with write_transaction():
        values = checked_values(data, None)
        values["opened_on"] = values["opened_on"] or (at or clock.now()).date()
        grid = create_row(values)
        audit.record(actor, "新增网格", "grid", grid.code, after=audit_view(grid))
    return grid


def edit_grid(actor: m.Staff | None, grid_id: int, data: GridInput) -> m.Grid:
    """Rename a grid, change its level, kind, parent, scope or code; the old values stay in the audit entry."""
    require(actor, HEAD)
    with write_transaction():
        grid = get_grid(grid_id)
        values = checked_values(data, grid.id)
        if values["code"] != grid.code:
            if not values["code"]:
                values["code"] = grid.code
            elif m.Grid.select().where((m.Grid.code == values["code"]) & (m.Grid.id != grid.id)).exists():
                raise DomainError(f"网格编号 {values['code']} 已被使用，请换一个编号。", field="code")
        if grid.closed_on is None:
            check_name_free(values["name"], values["parent"], grid.id)
        values["opened_on"] = values["opened_on"] or grid.opened_on
        before = audit_view(grid)
        m.Grid.update(**values).where(m.Grid.id == grid.id).execute()
        grid = get_grid(grid.id)
        action = "重命名网格" if before["name"] != grid.name else "修改网格"
        audit.record(actor, action, "grid", grid.code, before=before, after=audit_view(grid))
    return grid


def close_grid(actor: m.Staff | None, grid_id: int, *, on: dt.date | None = None,
               at: dt.datetime | None = None) -> m.Grid:
    """Close a grid from a day on (boundaries changed); it keeps its rows, so past figures stay as they were.

    Refused while grids under it are open or buildings are still in it: those move first (to a grid
    that goes on, or by ``split_grid``), so no resident's address is left pointing at a closed grid.
    """
    require(actor, HEAD)
    day = on or (at or clock.now()).date()
    with write_transaction():
        grid = get_grid(grid_id)
        if grid.closed_on is not None:
            raise DomainError(f"网格“{grid.name}”已于 {grid.closed_on:%Y-%m-%d} 撤销。")
        if grid.opened_on is not None and day < grid.opened_on:
            raise DomainError(f"撤销日期不能早于网格的启用日期 {grid.opened_on:%Y-%m-%d}。", field="closed_on")
        refuse_while_in_use(grid)
        before = audit_view(grid)
        m.Grid.update(closed_on=day).where(m.Grid.id == grid.id).execute()
        grid = get_grid(grid.id)
        audit.record(actor, "撤销网格", "grid", grid.code, before=before, after=audit_view(grid))
    return grid


def refuse_while_in_use(grid: m.Grid) -> None:
    children = m.Grid.select().where((m.Grid.parent == grid) & m.Grid.closed_on.is_null()).count()
    if children:
        raise DomainError(f"网格“{grid.name}”下还有{children}个未撤销的网格，请先撤销或移走它们。")
    buildings = m.Building.select().where(m.Building.grid == grid).count()
    units = m.Unit.select().where(m.Unit.grid == grid).count()
    if buildings or units:
        raise DomainError(f"网格“{grid.name}”还有{buildings}栋楼、{units}个单元，请先把它们移到其他网格（或在网格页拆分本网格）。")


def community() -> m.Grid | None:
    """The community itself, where the register has one open top grid with grids under it (seed 001's 社区
    as its 三级 root): a grid a ledger names goes under it, not beside it as a second top."""
    tops = list(m.Grid.select().where(m.Grid.parent.is_null() & open_condition()).limit(2))
    if len(tops) == 1 and m.Grid.select().where((m.Grid.parent == tops[0]) & open_condition()).exists():
        return tops[0]
    return None


def add_from_ledger(actor: m.Staff | None, data: GridInput, *, at: dt.datetime | None = None) -> m.Grid:
    """A grid a ledger names and the station does not have: the ledger path only, where the import's own
    role check applies (the counter's grid box chooses and never creates). Audited as 新增网格, marked as
    coming from a ledger, so a typo that became a grid can be found and merged; the import's dry run lists
    every grid made so (``ledgers/importers/created``) before it is."""
    with write_transaction():
        values = checked_values(data, None)
        values["opened_on"] = values["opened_on"] or (at or clock.now()).date()
        grid = create_row(values)
        audit.record(actor, "新增网格", "grid", grid.code, after={**audit_view(grid), "source": "台账"})
    return grid
