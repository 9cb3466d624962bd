"""Every document rendered from the current database, for ``gridstation selftest``.

A new site has no intake, loan or tool yet, and selftest must never write to a station's data, so
each document falls back to a built-in sample held in memory (marked 样例 on the page). Either way
the font, the layout and the file writing are exercised exactly as at the counter.

To add a document, append (Chinese name, file name, renderer) to ``DOCUMENTS``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path

from gridstation.core.events import rules as event_rules
from gridstation.core.events.agreement import AgreementData, AgreementParty, agreement_data
from gridstation.core.grids import board, diary_month, register
from gridstation.core.intake.material_check import CheckView
from gridstation.core.intake.material_rules import DEFERRED, NOTICE
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.station.material_list import MaterialDef
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.core.toolbox import tool_stocktake
from gridstation.reports import (
    annual,
    grid_board,
    grid_table,
    labels,
    loan_slip,
    material_notices,
    mediation_agreement,
    monthly,
    receipt,
    stocktake,
)
from gridstation.reports import (
    diary_month as diary_month_pdf,
)
from gridstation.reports.blocks import StationInfo

Renderer = Callable[[Path], Path]


def _newest_intake() -> m.Intake | None:
    return m.Intake.select().order_by(m.Intake.received_at.desc(), m.Intake.id.desc()).first()


def sample_receipt() -> receipt.ReceiptData:
    received = clock.now().replace(second=0)
    return receipt.ReceiptData(
        station=StationInfo.current(), serial=f"{settings.get('serial_prefix')}{received:%Y%m%d}0000",
        received_at=received, due_date=received.date() + dt.timedelta(days=5), resident_name="张三",
        id_label="身份证号", masked_id="110101********0012", masked_phone="138****0000",
        service_name="失业证", action="新办", details=[("材料已核验", "是")],
        documents="身份证复印件1份、解除劳动合同证明1份", staff_name="窗口人员",
        notice=str(settings.get("receipt_notice") or ""), sample=True,
    )


def render_receipt(out: Path, *, size: str) -> Path:
    newest = _newest_intake()
    data = receipt.receipt_data(newest) if newest is not None else sample_receipt()
    return receipt.render_receipt(data, out, size=size)


def sample_loan_slip() -> loan_slip.LoanSlipData:
    lent = clock.now().replace(second=0)
    return loan_slip.LoanSlipData(
        station=StationInfo.current(), slip_no=f"JY{lent:%Y%m%d}0000", lent_at=lent,
        due_date=lent.date() + dt.timedelta(days=7), borrower_name="李四", id_label="身份证号",
        masked_id="110101********0021", masked_phone="139****0000",
        lines=[loan_slip.LoanLine("人字梯", "GJ-0001", []),
               loan_slip.LoanLine("电钻", "GJ-0002", ["钻头6支", "充电器"])],
        safety_notes=[("人字梯", "使用前确认撑杆锁定，登高须有人扶梯，不站在最上两级。"),
                      ("电钻", "使用时佩戴护目镜，更换钻头前先断电。")],
        deposit_fen=10000, staff_name="窗口人员", sample=True,
    )


def render_loan_slip(out: Path) -> Path:
    newest = m.Loan.select().order_by(m.Loan.lent_at.desc(), m.Loan.id.desc()).first()
    data = loan_slip.loan_slip_data(newest) if newest is not None else sample_loan_slip()
    return loan_slip.render_loan_slip(data, out)


def render_labels(out: Path) -> Path:
    layout = labels.check_layout(str(settings.get("label_layout")))
    station = StationInfo.current().name
    try:
        items = labels.label_items()
    except DomainError:  # nothing to label yet
        items = [labels.LabelItem("人字梯", "GJ-0001"), labels.LabelItem("电钻", "GJ-0002"),
                 labels.LabelItem("通下水道工具", "GJ-0003")]
    return labels.render_labels(station, items, out, layout=layout)


def sample_stocktake() -> stocktake.StockTakeSheet:
    result = tool_stocktake.StockTakeResult(
        0, clock.now().replace(second=0), 7, matched=["GJ-0001", "GJ-0003", "GJ-0006"],
        missing=["GJ-0004"], on_loan=["GJ-0002"], other_state=["GJ-0005（遗失）"], unknown=["GJ-0099"],
        foreign=["XQ-2023-001"], staff_name="窗口人员")
    kinds = {"GJ-0001": "人字梯", "GJ-0002": "电钻", "GJ-0003": "电钻", "GJ-0004": "人字梯", "GJ-0005": "通下水道工具",
             "GJ-0006": "电钻"}
    return stocktake.stocktake_sheet(result, kinds=kinds, sample=True)


def render_stocktake(out: Path) -> Path:
    newest = m.StockTake.select(m.StockTake.id).order_by(m.StockTake.at.desc(), m.StockTake.id.desc()).first()
    if newest is None:
        return stocktake.render_stocktake(sample_stocktake(), out)
    return stocktake.write_stocktake(newest.id, out)


def sample_agreement() -> AgreementData:
    return AgreementData(
        "SJ202501030001", "矛盾纠纷",
        [AgreementParty("张三", "530111197001011234", "13812345678", "星体花园3栋501室"),
         AgreementParty("李四", "", "13900001111", "星体花园3栋601室")],
        "楼上卫生间漏水，楼下天花板受损。", "一、李四于十日内修复卫生间防水层；二、李四赔偿张三修复费用800元。",
        "人民调解员", "社区人民调解室", 1, clock.today())


def render_agreement(out: Path) -> Path:
    """The newest successful mediation's agreement, or the sample."""
    newest = (m.GridEvent.select(m.GridEvent.number).where(m.GridEvent.mediation_outcome == event_rules.MEDIATION_SUCCESS)
              .order_by(m.GridEvent.outcome_at.desc(), m.GridEvent.id.desc()).first())
    if newest is None:
        return mediation_agreement.write_agreement(sample_agreement(), out, sample=True)
    return mediation_agreement.write_agreement(agreement_data(newest.number), out)


def sample_notice(mode: str) -> material_notices.NoticeData:
    defs = [MaterialDef("居民身份证"), MaterialDef("劳动合同或用工证明", "复印件", source="用人单位"),
            MaterialDef("工资欠条或工资条", "复印件", later=True, source="用人单位财务，或银行流水")]
    check = CheckView(mode, defs[:1] if mode == NOTICE else defs[:2], defs[1:] if mode == NOTICE else defs[2:],
                      clock.today() + dt.timedelta(days=7), None)
    return material_notices.NoticeData("SL202501030001", clock.now(), "张三",
                                       "居民身份证", "530111********1234", "讨薪·欠薪投诉", "窗口人员", 15,
                                       clock.today() + dt.timedelta(days=15), check, sample=True)


def render_material_notice(out: Path, *, mode: str) -> Path:
    """The newest 一次性告知单 or 容缺受理承诺书, or the sample."""
    newest = (m.IntakeMaterials.select(m.Intake.serial).join(m.Intake).where(m.IntakeMaterials.mode == mode)
              .order_by(m.IntakeMaterials.issued_at.desc(), m.IntakeMaterials.id.desc()).first())
    if newest is None:
        return material_notices.render(sample_notice(mode), out)
    return material_notices.render(material_notices.notice_data(newest.intake.serial, mode), out)


def sample_board() -> board.Board:
    people = tuple(board.BoardPerson(role, name, board.duty_of(role), phone) for role, name, phone in (
        ("网格长", "张建国", "13812345678"), ("专职网格员", "李霞", ""), ("楼栋长", "吴明", "13600001111"),
        ("社区民警", "王警官", "0871-65550110")))
    return board.Board(str(settings.get("station_name") or ""), settings.supervision_phone(), "WG001",
                       "第一网格（WG001）", "四级", "综合网格", "星体花园1至6栋", "星体花园3栋", people, clock.today())


def render_board(out: Path) -> Path:
    """The first open grid's 网格员公示牌, or the sample."""
    first = next(iter(register.grid_choices()), None)
    if first is None:
        return grid_board.render_board(sample_board(), out, sample=True)
    return grid_board.render_board(board.board(register.get_grid(first[1]).code or first[0]), out)


def sample_diary_month() -> diary_month.DiaryMonth:
    today = clock.today()
    rows = [diary_month.MonthRow(today.replace(day=1), "张建国", "第一网格", "走访星体花园3栋12户，楼道灯不亮",
                                 "王然", "已告知物业维修", ""),
            diary_month.MonthRow(today.replace(day=1), "张建国", "第一网格", "商铺占道经营", "", "劝导后已清理",
                                 "SJ000000000001")]
    return diary_month.DiaryMonth(str(settings.get("station_name") or ""), "张建国", today.year, today.month, rows)


def render_diary_month(out: Path) -> Path:
    """This month's 民情日志 of the first grid, or the sample."""
    first = next(iter(register.grid_choices()), None)
    if first is None:
        return diary_month_pdf.render_month(sample_diary_month(), out, sample=True)
    today = clock.today()
    return diary_month_pdf.render_month(diary_month.month_of(today.year, today.month, grid_id=first[1]), out)


DOCUMENTS: list[tuple[str, str, Renderer]] = [
    ("受理回执（A5）", "receipt-a5.pdf", functools.partial(render_receipt, size=receipt.A5_SIZE)),
    ("受理回执（80毫米卷纸）", "receipt-80mm.pdf", functools.partial(render_receipt, size=receipt.ROLL_SIZE)),
    ("借用单", "loan-slip.pdf", render_loan_slip),
    ("资产标签", "labels.pdf", render_labels),
    ("盘点结果", "stocktake.pdf", render_stocktake),
    ("人民调解协议书", "mediation-agreement.pdf", render_agreement),
    ("一次性告知单", "one-time-notice.pdf", functools.partial(render_material_notice, mode=NOTICE)),
    ("容缺受理承诺书", "deferred-pledge.pdf", functools.partial(render_material_notice, mode=DEFERRED)),
    ("月度统计", "monthly.pdf", lambda out: monthly.write_monthly(clock.today().replace(day=1), out)),
    ("年度统计", "annual.pdf", lambda out: annual.write_annual(clock.today().year, out)),
    ("网格员公示牌", "grid-board.pdf", render_board),
    ("网格责任分布表", "grid-table.pdf", lambda out: grid_table.render_table(board.distribution_table(), out)),
    ("民情日志", "diary-month.pdf", render_diary_month),
]


def render_all(folder: Path) -> list[tuple[str, Path]]:
    """(Chinese document name, PDF path) for every document in ``DOCUMENTS``, written to ``folder``."""
    return [(name, render(Path(folder) / filename)) for name, filename, render in DOCUMENTS]
