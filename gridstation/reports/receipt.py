"""受理回执: the paper a resident takes home as proof that the station received the request.

Rendering works from plain ``ReceiptData`` so ``selftest`` can print a sample without a database
row, and so masking happens once, before layout: the renderer never sees a full ID or phone number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether

from gridstation.core.intake import intakes
from gridstation.core.rules import clock, idcard
from gridstation.core.rules.errors import DomainError
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.reports.blocks import (
    StationInfo,
    header,
    key_values,
    key_values_with_qr,
    label_width,
    notice_box,
    qr_code,
    section,
    signature_lines,
)
from gridstation.reports.cn_dates import cn_date, cn_datetime
from gridstation.reports.pdf_build import build_pdf, fitted_story
from gridstation.reports.styles import ONE_PAGE_SIZES, Styles, styles, text

TITLE = "受理回执"
A5_SIZE, ROLL_SIZE = "A5", "80mm"
SIZES = (A5_SIZE, ROLL_SIZE)
SIGNATURES = ("经办人签字：", "居民签字：")


@dataclass(frozen=True)
class ReceiptData:
    """What a receipt shows, personal numbers already masked."""

    station: StationInfo
    serial: str
    received_at: dt.datetime
    due_date: dt.date
    resident_name: str
    id_label: str
    masked_id: str
    masked_phone: str
    service_name: str
    action: str
    details: list[tuple[str, str]]
    documents: str
    staff_name: str
    notice: str
    sample: bool = False


def id_line(doc_type: str, number: str) -> tuple[str, str]:
    """Label and masked value for a resident's document (mainland ID or another card)."""
    if doc_type == idcard.MAINLAND_ID:
        return "身份证号", idcard.mask_id(number)
    return "证件号码", f"{doc_type} {idcard.mask_id(number)}"


def receipt_data(intake: m.Intake) -> ReceiptData:
    resident = intake.resident
    id_label, masked_id = id_line(resident.doc_type, resident.doc_number)
    return ReceiptData(
        station=StationInfo.current(), serial=intake.serial, received_at=intake.received_at,
        due_date=intake.due_date, resident_name=resident.name, id_label=id_label, masked_id=masked_id,
        masked_phone=idcard.mask_phone(resident.phone), service_name=intake.service.name,
        action=intake.action, details=intakes.details_of(intake), documents=intake.documents,
        staff_name=intakes.handler_name(intake),
        notice=str(settings.get("receipt_notice") or ""),
    )


def check_size(size: str) -> str:
    """The canonical paper name; settings or a command line may spell it a5 or 80MM."""
    for known in SIZES:
        if (size or "").strip().lower() == known.lower():
            return known
    raise DomainError(f"回执纸张“{size}”不受支持，只能是 A5 或 80mm。")


def write_receipt(serial: str, out: Path, *, size: str | None = None) -> Path:
    """The receipt of intake ``serial`` on the station's paper (or ``size``); NotFound if unknown."""
    intake = intakes.get_intake(serial)
    return render_receipt(receipt_data(intake), out, size=size or str(settings.get("receipt_size")))


def render_receipt(data: ReceiptData, out: Path, *, size: str = A5_SIZE) -> Path:
    size = check_size(size)
    printed = f"打印于 {cn_datetime(clock.now())}"
    if size == ROLL_SIZE:
        # Roll printers print about 72 mm of the 80 mm paper; the page is as tall as its content.
        st = styles(8.5)
        width = 80 * mm
        story = _roll_story(data, st, width - 2 * 4 * mm)
        return build_pdf(out, story, pagesize=(width, None), margin=4 * mm, bottom=9 * mm, footer=printed,
                         title=f"{TITLE} {data.serial}", author=data.station.name)
    story = fitted_story(lambda st, width: _a5_story(data, st, width), ONE_PAGE_SIZES, pagesize=A5,
                         margin=12 * mm, bottom=13 * mm)
    return build_pdf(out, story, pagesize=A5, margin=12 * mm, bottom=13 * mm,
                     footer=f"受理编号 {data.serial}　{printed}", title=f"{TITLE} {data.serial}",
                     author=data.station.name)


def _resident_rows(data: ReceiptData) -> list[tuple[str, str]]:
    return [("姓名", data.resident_name), (data.id_label, data.masked_id), ("联系电话", data.masked_phone)]


def _service_rows(data: ReceiptData) -> list[tuple[str, str]]:
    rows = [("办理业务", data.service_name)]
    if data.action:
        rows.append(("办理事项", data.action))
    rows += data.details
    rows.append(("收取材料", data.documents or "未收取材料"))
    return rows


def _due_rows(data: ReceiptData) -> list[tuple[str, str]]:
    """The due date and the promise on rows of their own: on 80 mm paper one row wrapped as
    「承诺时限15 / 天」; the limit counts calendar days (intakes.due_date_for), and says so."""
    days = (data.due_date - data.received_at.date()).days
    return [("承诺办结", f"{cn_date(data.due_date)}前"), ("承诺时限", f"{days}个自然日")]


def _a5_story(data: ReceiptData, st: Styles, width: float) -> list[Flowable]:
    resident, service = _resident_rows(data), _service_rows(data)
    label_w = label_width([r[0] for r in resident + service] + ["受理编号"], st, maximum=30 * mm)
    facts = [("受理编号", text(data.serial, st.strong)), ("受理时间", cn_datetime(data.received_at)),
             *_due_rows(data), ("经办人", data.staff_name)]
    top = key_values_with_qr(facts, data.serial, "扫码核对受理编号", width, st, label_width=label_w)
    story = header(data.station, TITLE, st, width, sample=data.sample)
    # An A5 receipt must fit one sheet: resident facts and the short service fields sit two per row.
    short = [r for r in service if len(str(r[1])) <= 12]
    long_rows = [r for r in service if len(str(r[1])) > 12]
    story += [top,
              *section("居民信息", st), key_values(resident, width, st, label_width=label_w),
              *section("办理内容", st)]
    if len(service) > 4 and short:
        pair_w = label_width([r[0] for r in short], st, maximum=22 * mm)
        story.append(key_values(short, width, st, label_width=pair_w, columns=2))
        if long_rows:
            story.append(key_values(long_rows, width, st, label_width=label_w))
    else:
        story.append(key_values(service, width, st, label_width=label_w))
    # The signature lines never start a page alone: the notice above them goes with them.
    closing: list[Flowable] = []
    if data.notice:
        closing += [*section("温馨提示", st), notice_box([("", data.notice)], width, st)]
    story.append(KeepTogether([*closing, signature_lines(SIGNATURES, width, st, columns=2)]))
    return story


def _roll_story(data: ReceiptData, st: Styles, width: float) -> list[Flowable]:
    when = [("受理时间", cn_datetime(data.received_at)), *_due_rows(data), ("经办人", data.staff_name)]
    resident, service = _resident_rows(data), _service_rows(data)
    label_w = label_width([r[0] for r in when + resident + service], st, maximum=26 * mm)
    code = qr_code(data.serial, 28 * mm)
    code.hAlign = "CENTER"
    story = header(data.station, TITLE, st, width, sample=data.sample)
    story += [text(data.serial, st.station), code, text("扫码核对受理编号", st.caption),
              key_values(when, width, st, label_width=label_w),
              *section("居民信息", st), key_values(resident, width, st, label_width=label_w),
              *section("办理内容", st), key_values(service, width, st, label_width=label_w)]
    if data.notice:
        story += [*section("温馨提示", st), notice_box([("", data.notice)], width, st)]
    story.append(signature_lines(SIGNATURES, width, st, columns=1))
    return story
