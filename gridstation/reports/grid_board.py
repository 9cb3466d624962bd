"""网格员公示牌: who serves this grid, building or unit, what they do and how to reach them, hung in a
stairwell (seed 004: 「将网格员及辅助工作人员信息公示在楼栋单元醒目位置」).

Read from a few steps away, so the type is large and the board stays on one sheet (the type shrinks
before a second page is started). What it prints comes whole from ``core/grids/board.py``: a phone only
where the person agreed to publish it, 「—」 otherwise.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from gridstation.core.grids.board import Board
from gridstation.reports.blocks import StationInfo, grid_table, header, key_values, label_width, notice_box
from gridstation.reports.cn_dates import cn_date
from gridstation.reports.pdf_build import build_pdf, fitted_story
from gridstation.reports.styles import Styles, spacer, text

TITLE = "网格员公示牌"
SIZES = {"A4": (A4, 15 * mm, (16.0, 15.0, 14.0, 13.0, 12.0, 11.0, 10.0)),
         "A5": (A5, 10 * mm, (11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0))}


def render_board(data: Board, out: Path, *, size: str = "A4", sample: bool = False) -> Path:
    """The board on A4 or A5, portrait, on one sheet while the type can shrink to fit it (``sample``: marked
    样例, for ``selftest`` on a station with no grid yet)."""
    pagesize, margin, sizes = SIZES[size]
    station = StationInfo(data.station_name)
    story = fitted_story(lambda st, width: _story(data, station, st, width, sample), sizes, pagesize=pagesize,
                         margin=margin, bottom=margin)
    return build_pdf(out, story, pagesize=pagesize, margin=margin, title=f"{TITLE} {data.grid}{data.place}",
                     author=data.station_name)


def _story(data: Board, station: StationInfo, st: Styles, width: float, sample: bool) -> list[Flowable]:
    facts = [("网格", text(data.grid, st.strong)), ("层级类型", f"{data.level}网格 · {data.kind}")]
    if data.place:
        facts.append(("公示位置", data.place))
    if data.scope:
        facts.append(("网格范围", data.scope))
    story = header(station, TITLE, st, width, sample=sample)
    story.append(key_values(facts, width, st, label_width=label_width([f[0] for f in facts], st, maximum=30 * mm)))
    story.append(spacer(st.body.fontSize * 0.8))
    name = ParagraphStyle(f"board-name-{st.body.fontSize}", parent=st.value, alignment=TA_CENTER,
                          fontSize=st.body.fontSize * 1.15, leading=st.body.fontSize * 1.5)
    rows = [[f"{person.role}\n（{person.serves}）" if person.serves else person.role, text(person.name, name),
             person.duty, person.phone or "—"] for person in data.people]
    if rows:
        widths = [0.16 * width, 0.2 * width, 0.4 * width, 0.24 * width]
        story.append(grid_table(["岗位", "姓名", "工作职责", "联系电话"], rows, widths, st,
                                aligns=["center", "center", "left", "center"]))
    else:
        story.append(text("本网格暂未登记网格力量。", st.body))
    story.append(spacer(st.body.fontSize))
    story.append(notice_box([("监督电话", data.supervision_phone or "—")], width, st, style=st.strong))
    signed = ParagraphStyle(f"board-signed-{st.body.fontSize}", parent=st.body, alignment=TA_RIGHT,
                            spaceBefore=st.body.fontSize * 0.8)
    story.append(text(f"{data.station_name}　{cn_date(data.on)}", signed))
    return story
