"""借用单: what the borrower signs when taking tools from the shared tool box, and keeps until return.

Like the receipt, it renders from plain ``LoanSlipData`` (masked before layout) so ``selftest``
can print a sample on a site that has not lent anything yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether

from gridstation.core.rules import clock, idcard
from gridstation.core.rules.money import yuan
from gridstation.core.storage import models as m
from gridstation.core.toolbox.lending import get_loan, item_parts, loan_items
from gridstation.reports.blocks import (
    StationInfo,
    grid_table,
    header,
    key_values,
    key_values_with_qr,
    label_width,
    notice_box,
    section,
    signature_lines,
)
from gridstation.reports.cn_dates import cn_date, cn_datetime
from gridstation.reports.pdf_build import build_pdf, fitted_story
from gridstation.reports.receipt import id_line
from gridstation.reports.styles import ONE_PAGE_SIZES, Styles, spacer, text

TITLE = "共享工具借用单"
SIGNATURES = ("经办人签字：", "借用人签字：")
PLEDGE = ("借用人确认：以上工具及配件已当面清点，完好可用；已知悉安全须知，借用期间妥善保管、安全使用，"
          "不转借他人，并于应还日期前归还。工具损坏或遗失的，按服务站规定处理；押金凭本单退还。")


@dataclass(frozen=True)
class LoanLine:
    kind: str
    asset_code: str
    parts: list[str]


@dataclass(frozen=True)
class LoanSlipData:
    """What a loan slip shows, personal numbers already masked."""

    station: StationInfo
    slip_no: str
    lent_at: dt.datetime
    due_date: dt.date
    borrower_name: str
    id_label: str
    masked_id: str
    masked_phone: str
    lines: list[LoanLine]
    safety_notes: list[tuple[str, str]]  # (kind, note), once per kind that has one
    deposit_fen: int
    staff_name: str
    notes: str = ""
    sample: bool = False


def loan_slip_data(loan: m.Loan) -> LoanSlipData:
    lines: list[LoanLine] = []
    notes: dict[str, str] = {}
    for item in loan_items(loan):
        kind = item.unit.kind
        lines.append(LoanLine(kind.name, item.unit.asset_code, [str(p) for p in item_parts(item)]))
        if kind.safety_note.strip():
            notes.setdefault(kind.name, kind.safety_note.strip())
    resident = loan.resident
    id_label, masked_id = id_line(resident.doc_type, resident.doc_number)
    return LoanSlipData(
        station=StationInfo.current(), slip_no=loan.slip_no, lent_at=loan.lent_at, due_date=loan.due_date,
        borrower_name=resident.name, id_label=id_label, masked_id=masked_id,
        masked_phone=idcard.mask_phone(resident.phone), lines=lines, safety_notes=list(notes.items()),
        deposit_fen=loan.deposit_fen, staff_name=loan.staff.display_name if loan.staff_id else "",
        notes=loan.notes.strip(),
    )


def write_loan_slip(slip_no: str, out: Path) -> Path:
    """The slip of loan ``slip_no`` on A5; NotFound if there is no such loan."""
    return render_loan_slip(loan_slip_data(get_loan(slip_no)), out)


def render_loan_slip(data: LoanSlipData, out: Path) -> Path:
    story = fitted_story(lambda st, width: _story(data, st, width), ONE_PAGE_SIZES, pagesize=A5,
                         margin=12 * mm, bottom=13 * mm)
    return build_pdf(out, story, pagesize=A5, margin=12 * mm, bottom=13 * mm,
                     footer=f"借用单号 {data.slip_no}　打印于 {cn_datetime(clock.now())}",
                     title=f"借用单 {data.slip_no}", author=data.station.name)


def _story(data: LoanSlipData, st: Styles, width: float) -> list[Flowable]:
    deposit = f"¥{yuan(data.deposit_fen)}" if data.deposit_fen else "免押金"
    top_rows = [("借用单号", text(data.slip_no, st.strong)), ("借出时间", cn_datetime(data.lent_at)),
                ("应还日期", cn_date(data.due_date)), ("押金", deposit), ("经办人", data.staff_name)]
    borrower = [("姓名", data.borrower_name), ("联系电话", data.masked_phone), (data.id_label, data.masked_id)]
    label_w = label_width([r[0] for r in top_rows + borrower], st, maximum=30 * mm)
    top = key_values_with_qr(top_rows, data.slip_no, "扫码核对借用单号", width, st, label_width=label_w)
    # A tool's name on one line (通下水道工具箱, not 工具 / 箱) up to half the width; the parts wrap.
    longest = max((stringWidth(line.kind, st.cell.fontName, st.cell.fontSize) for line in data.lines), default=0)
    tool_w = min(max(38 * mm, longest + 8), width / 2)
    tools = grid_table(
        ["序号", "工具", "资产编号", "随附配件"],
        [[str(n), line.kind, line.asset_code, "、".join(line.parts) or "无"]
         for n, line in enumerate(data.lines, start=1)],
        [9 * mm, tool_w, 28 * mm, width - 37 * mm - tool_w], st, aligns=["center", "left", "left", "left"],
    )
    story = header(data.station, TITLE, st, width, sample=data.sample)
    story += [top, *section("借用人", st), key_values(borrower, width, st, label_width=label_w, columns=2),
              *section(f"借用工具（共{len(data.lines)}件）", st), tools]
    if data.notes:
        story += [*section("备注", st), text(data.notes, st.body)]
    if data.safety_notes:
        story += [*section("安全须知", st), notice_box(data.safety_notes, width, st, st.cell)]
    # The pledge is what the borrower signs: never let a page break separate the two.
    story += [spacer(3 * mm), KeepTogether([text(PLEDGE, st.small), signature_lines(SIGNATURES, width, st)])]
    return story
