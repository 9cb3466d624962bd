"""一次性告知单 and 容缺受理承诺书: what a resident takes home when documents are missing.

The notice lists at once every document still lacking, in what form, where to get it when the station
knows, and the date to bring it; the pledge is signed by a resident accepted with documents to follow.
Both come from the intake's document check (core/intake_materials/), the resident's ID masked.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from gridstation.core import idcard, intakes
from gridstation.core import models as m
from gridstation.core.errors import DomainError
from gridstation.core.intake_materials.intake_check import CheckView, check_of
from gridstation.core.intake_materials.rules import DEFERRED, NOTICE
from gridstation.reports.fonts import (StationInfo, Styles, build_pdf, cn_date, cn_datetime, grid_table, header,
                                       key_values, label_width, section, signature_lines, styles, text)

NOTICE_TITLE, PLEDGE_TITLE = "一次性告知单", "容缺受理承诺书"


def write_notice(serial: str, out: Path) -> Path:
    """The 一次性告知单 of a request saved as 待补正."""
    intake, check = _checked(serial, NOTICE, "一次性告知")
    return _build(intake, out, NOTICE_TITLE, _notice_story(intake, check))


def write_pledge(serial: str, out: Path) -> Path:
    """The 容缺受理承诺书 of an intake accepted with documents to follow."""
    intake, check = _checked(serial, DEFERRED, "容缺受理")
    return _build(intake, out, PLEDGE_TITLE, _pledge_story(intake, check))


def _checked(serial: str, mode: str, what: str) -> tuple[m.Intake, CheckView]:
    intake = intakes.get_intake(serial)
    check = check_of(intake)
    if check is None or check.mode != mode:
        raise DomainError(f"受理 {intake.serial} 不是{what}的记录，没有{NOTICE_TITLE if mode == NOTICE else PLEDGE_TITLE}。")
    return intake, check


_WIDTH = A4[0] - 2 * 18 * mm


def _build(intake: m.Intake, out: Path, title: str, parts: list[Flowable]) -> Path:
    station = StationInfo.current()
    st = styles(10.5)
    story = header(station, title, st, _WIDTH) + _facts(intake, st) + parts
    return build_pdf(out, story, pagesize=A4, margin=18 * mm, bottom=14 * mm,
                     footer=f"受理编号 {intake.serial}　打印于 {cn_datetime(dt.datetime.now())}",
                     title=f"{title} {intake.serial}", author=station.name)


def _facts(intake: m.Intake, st: Styles) -> list[Flowable]:
    r = intake.resident
    service = f"{intake.service.name}·{intake.action}" if intake.action else intake.service.name
    rows = [("受理编号", text(intake.serial, st.strong)), ("登记时间", cn_datetime(intake.received_at)),
            ("姓名", r.name), (r.doc_type, idcard.mask_id(r.doc_number)),
            ("办理业务", service), ("经办人", intake.staff.display_name if intake.staff else "—")]
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


def _notice_story(intake: m.Intake, check: CheckView) -> list[Flowable]:
    st = styles(10.5)
    return [*_received(check, st), *section("尚需补交的全部材料（一次告知）", st), _missing_table(check, st),
            *section("补交时间", st),
            text(f"请于 {cn_date(check.deadline)} 前携带上述材料到本站窗口补交，并出示本告知单。"
                 f"材料齐全之日起正式受理，承诺时限（{intake.service.promised_days}天）自该日起计算。", st.body),
            text("本告知单所列为办理该业务尚缺的全部材料，本站不再要求补交其他材料。", st.body),
            signature_lines(("经办人签字：", "居民签收："), _WIDTH, st, columns=2)]


def _pledge_story(intake: m.Intake, check: CheckView) -> list[Flowable]:
    st = styles(10.5)
    return [*_received(check, st), *section("容缺材料（承诺补齐）", st), _missing_table(check, st),
            *section("承诺事项", st),
            text(f"本人申请的上述业务，主要材料已齐全，经窗口审核同意容缺受理。本人承诺于 "
                 f"{cn_date(check.deadline)} 前补齐上述容缺材料，并对所提交材料的真实性负责。"
                 f"逾期未补齐的，本站可暂停办理，相关后果由本人承担。", st.body),
            text(f"承诺办结日期：{cn_date(intake.due_date)}", st.body),
            signature_lines(("承诺人签字：", "经办人签字："), _WIDTH, st, columns=2)]
