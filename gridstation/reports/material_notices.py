"""一次性告知单 and 容缺受理承诺书: what a resident takes home when documents are missing.

The notice lists at once every document still lacking, in what form, where to get it when the station
knows, and the date to bring it; the pledge is signed by a resident accepted with documents to follow.
Both come from the intake's document check (core/intake/material_rules.py, material_check.py), the resident's ID masked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from gridstation.core.intake import intakes
from gridstation.core.intake.material_check import CheckView, check_of
from gridstation.core.intake.material_rules import DEFERRED, NOTICE
from gridstation.core.rules import clock, idcard
from gridstation.core.rules.errors import DomainError
from gridstation.reports.blocks import (
    StationInfo,
    grid_table,
    header,
    key_values,
    label_width,
    section,
    signature_lines,
)
from gridstation.reports.cn_dates import cn_date, cn_datetime
from gridstation.reports.pdf_build import build_pdf
from gridstation.reports.styles import Styles, styles, text

NOTICE_TITLE, PLEDGE_TITLE = "一次性告知单", "容缺受理承诺书"
TITLES = {NOTICE: NOTICE_TITLE, DEFERRED: PLEDGE_TITLE}
_WIDTH = A4[0] - 2 * 18 * mm


@dataclass(frozen=True)
class NoticeData:
    """What a notice or pledge prints, the ID already masked (``selftest`` prints a sample from it)."""

    serial: str
    received_at: dt.datetime
    resident_name: str
    id_label: str
    masked_id: str
    service: str
    staff_name: str
    promised_days: int
    due_date: dt.date
    check: CheckView
    sample: bool = False


def notice_data(serial: str, mode: str) -> NoticeData:
    """The 告知 or 容缺 record of intake ``serial``; DomainError when it has none of that kind."""
    intake = intakes.get_intake(serial)
    check = check_of(intake)
    if check is None or check.mode != mode:
        what = "一次性告知" if mode == NOTICE else "容缺受理"
        raise DomainError(f"受理 {intake.serial} 不是{what}的记录，没有{TITLES[mode]}。")
    r = intake.resident
    return NoticeData(intake.serial, intake.received_at, r.name, r.doc_type, idcard.mask_id(r.doc_number),
                      f"{intake.service.name}·{intake.action}" if intake.action else intake.service.name,
                      intakes.handler_name(intake) or "—", intake.service.promised_days,
                      intake.due_date, check)


def write_notice(serial: str, out: Path) -> Path:
    """The 一次性告知单 of a request saved as 待补正."""
    return render(notice_data(serial, NOTICE), out)


def write_pledge(serial: str, out: Path) -> Path:
    """The 容缺受理承诺书 of an intake accepted with documents to follow."""
    return render(notice_data(serial, DEFERRED), out)


def render(data: NoticeData, out: Path) -> Path:
    station = StationInfo.current()
    st = styles(10.5)
    title = TITLES[data.check.mode]
    parts = _notice_story(data, st) if data.check.mode == NOTICE else _pledge_story(data, st)
    story = header(station, title, st, _WIDTH, sample=data.sample) + _facts(data, st) + parts
    return build_pdf(out, story, pagesize=A4, margin=18 * mm, bottom=14 * mm,
                     footer=f"受理编号 {data.serial}　打印于 {cn_datetime(clock.now())}",
                     title=f"{title} {data.serial}", author=station.name)


def _facts(data: NoticeData, st: Styles) -> list[Flowable]:
    rows = [("受理编号", text(data.serial, st.strong)), ("登记时间", cn_datetime(data.received_at)),
            ("姓名", data.resident_name), (data.id_label, data.masked_id),
            ("办理业务", data.service), ("经办人", data.staff_name)]
    return [key_values(rows, _WIDTH, st, label_width=label_width([x[0] for x in rows], st, maximum=30 * mm),
                       columns=2)]


def _missing_table(check: CheckView, st: Styles) -> Flowable:
    rows = [[str(n), d.name, d.form, f"{d.count}份", d.source or "—"] for n, d in enumerate(check.missing, start=1)]
    return grid_table(["序号", "所缺材料", "形式", "份数", "获取途径"], rows,
                      [12 * mm, 55 * mm, 26 * mm, 16 * mm, _WIDTH - 109 * mm], st,
                      aligns=["center", "left", "center", "center", "left"])


def _received(check: CheckView, st: Styles) -> list[Flowable]:
    names = "、".join(d.described for d in check.received) or "未收取材料"
    return [*section("已收材料", st), text(names, st.body)]


def _notice_story(data: NoticeData, st: Styles) -> list[Flowable]:
    check = data.check
    return [*_received(check, st), *section("尚需补交的全部材料（一次告知）", st), _missing_table(check, st),
            *section("补交时间", st),
            text(f"请于 {cn_date(check.deadline)} 前携带上述材料到本站窗口补交，并出示本告知单。"
                 f"材料齐全之日起正式受理，承诺时限（{data.promised_days}天）自该日起计算。", st.body),
            text("本告知单所列为办理该业务尚缺的全部材料，本站不再要求补交其他材料。", st.body),
            signature_lines(("经办人签字：", "居民签收："), _WIDTH, st, columns=2)]


def _pledge_story(data: NoticeData, st: Styles) -> list[Flowable]:
    check = data.check
    return [*_received(check, st), *section("容缺材料（承诺补齐）", st), _missing_table(check, st),
            *section("承诺事项", st),
            text(f"本人申请的上述业务，主要材料已齐全，经窗口审核同意容缺受理。本人承诺于 "
                 f"{cn_date(check.deadline)} 前补齐上述容缺材料，并对所提交材料的真实性负责。"
                 f"逾期未补齐的，本站可暂停办理，相关后果由本人承担。", st.body),
            text(f"承诺办结日期：{cn_date(data.due_date)}", st.body),
            signature_lines(("承诺人签字：", "经办人签字："), _WIDTH, st, columns=2)]
