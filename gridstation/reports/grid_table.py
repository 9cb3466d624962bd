"""网格责任分布表: every open grid as a tree, with its buildings, households, residents and people.

A4 landscape, the column heads on every page and the station and page number in the footer, as the
station files it with its grid papers. Rows come whole from ``core/grids/board.py``; no phone is printed.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from gridstation.core.grids.board import DistributionTable, TableRow
from gridstation.core.rules import clock
from gridstation.reports.blocks import StationInfo, grid_table, header
from gridstation.reports.cn_dates import cn_date, cn_datetime
from gridstation.reports.pdf_build import build_pdf
from gridstation.reports.styles import Styles, styles, text

TITLE = "网格责任分布表"
_PAGE = landscape(A4)
_MARGIN = 12 * mm
_WIDTH = _PAGE[0] - 2 * _MARGIN
HEADS = ("网格", "编号", "层级", "类型", "楼栋", "户数", "在册居民", "网格力量")
_WIDTHS = (46 * mm, 20 * mm, 13 * mm, 18 * mm, 62 * mm, 14 * mm, 16 * mm)
NOTE = ("户数：楼栋登记的户数；未登记户数的楼栋，按有在册居民登记的房间计。在册居民：登记在该网格、"
        "未迁出或死亡的居民（含未登记楼栋的）。“含下级”为本网格与其下各级网格之和。网格力量：当日在岗的人员，含本网格楼栋、单元的楼栋长、单元长。")


def render_table(data: DistributionTable, out: Path) -> Path:
    st = styles(9.5)
    return build_pdf(out, _story(data, st), pagesize=_PAGE, margin=_MARGIN, bottom=14 * mm,
                     footer=f"{data.station_name}　{TITLE}　打印于 {cn_datetime(clock.now())}",
                     title=TITLE, author=data.station_name)


CHUNK = 360  # characters of a list in one table row: a grid of hundreds of buildings runs on over rows and pages


def _people(row: TableRow) -> list[tuple[str, str]]:
    """(separator before, text) per name: 「网格长：张三；专职网格员：李四、王五」."""
    return [("；" if i == 0 else "、", f"{role}：{name}" if i == 0 else name)
            for role, names in row.people for i, name in enumerate(names)]


def _buildings(row: TableRow) -> list[tuple[str, str]]:
    """The compound written once before its buildings: 「阳光小区3号楼、5号楼；幸福家园1栋」."""
    return [("、", place) if i and row.buildings[i - 1][0] == compound else ("；", compound + place)
            for i, (compound, place) in enumerate(row.buildings)]


def _chunks(items: list[tuple[str, str]]) -> list[str]:
    """The items joined, cut into pieces of about CHUNK characters between items, so that no table row is
    taller than a page (a row of the table never splits); a piece that goes on ends with its separator."""
    pieces, current = [], ""
    for separator, item in items:
        if current and len(current) + len(item) > CHUNK:
            pieces.append(current + separator)
            current = ""
        current += (separator if current else "") + item
    return [*pieces, current or "—"]


def _count(own: int, total: int, st: Styles) -> Flowable | str:
    """The grid's own count; a grid with grids under it adds the sum with theirs (含下级), so a 四级 grid whose
    buildings all lie in its micro-grids does not read as empty."""
    return str(own) if total == own else text(f"{own}\n含下级\n{total}", st.cell_right)


def _story(data: DistributionTable, st: Styles) -> list[Flowable]:
    story = header(StationInfo(data.station_name), TITLE, st, _WIDTH)
    tops = [row for row in data.rows if row.depth == 0]
    # one top grid with grids under it is the community itself: counted as the statistics count, apart
    grids = f"{tops[0].name}及其下{len(data.rows) - 1}个网格" if len(tops) == 1 < len(data.rows) else f"{len(data.rows)}个网格"
    story.append(text(f"截至{cn_date(data.on)}，共{grids}、"
                      f"{sum(r.building_count for r in data.rows)}栋楼、{sum(r.households for r in data.rows)}户、"
                      f"在册居民{sum(r.residents for r in data.rows)}人。", st.body))
    story.append(text(NOTE, st.small))
    indents = {}
    rows = []
    for row in data.rows:
        if row.depth not in indents:
            indents[row.depth] = ParagraphStyle(f"grid-depth-{row.depth}-{st.cell.fontSize}", parent=st.cell,
                                                leftIndent=row.depth * st.cell.fontSize * 1.2)
        buildings, staff = _chunks(_buildings(row)), _chunks(_people(row))
        rows.append([text(row.name, indents[row.depth]), row.code, row.level, row.kind, buildings[0],
                     _count(row.households, row.households_total, st), _count(row.residents, row.residents_total, st),
                     staff[0]])
        for more in range(1, max(len(buildings), len(staff))):
            rows.append([text(f"{row.name}（续）", indents[row.depth]), "", "", "",
                         buildings[more] if more < len(buildings) else "", "", "",
                         staff[more] if more < len(staff) else ""])
    if rows:
        widths = [*_WIDTHS, _WIDTH - sum(_WIDTHS)]
        table = grid_table(HEADS, rows, widths, st,
                           aligns=["left", "center", "center", "center", "left", "right", "right", "left"])
        table.spaceBefore = st.body.fontSize * 0.6
        story.append(table)
    else:
        story.append(text("本站还没有登记网格。", st.body))
    return story
