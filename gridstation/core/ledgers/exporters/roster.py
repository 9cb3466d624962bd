"""The pension roster export (养老金领取人员认证名单): who is certified for a year, and by which intake."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gridstation.core.intake import intakes, residents
from gridstation.core.ledgers.exporters.sheet import Col, id_mask, phone_mask
from gridstation.core.ledgers.ledger_columns import DATE, ID_NUMBER, PHONE
from gridstation.core.rules import clock

# What --full-id (站长) shows unmasked.
FULL_SHOWS = "身份证号和电话号码"


def columns(full: bool) -> list[Col]:
    show, phone = id_mask(full), phone_mask(full)
    return [
        Col("姓名", lambda r: r.resident.name, width=10),
        Col("身份证号", lambda r: show(r.resident.doc_number), ID_NUMBER, 22),
        Col("性别", lambda r: r.resident.gender, width=6), Col("出生日期", lambda r: r.resident.birth_date, DATE, 12),
        Col("联系电话", lambda r: phone(r.resident.phone), PHONE, 15), Col("住址", lambda r: residents.address(r.resident), width=28),
        Col("网格", lambda r: r.resident.grid_name, width=10),
        Col("认证情况", lambda r: "已认证" if r.certified else "未认证", width=9),
        Col("受理编号", lambda r: r.serial, width=18),
    ]


def records(source: Any, _full: bool) -> Iterable[intakes.RosterRow]:
    if isinstance(source, int):
        return intakes.pension_roster(source)
    if source is None:
        return intakes.pension_roster(clock.today().year)
    return source
