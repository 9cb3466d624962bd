"""一次性告知/补正/容缺 figures of a month, counted by hand, and the monthly report that prints them."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest

from gridstation.core.intake import intakes, material_check, residents
from gridstation.core.intake.material_figures import MaterialFigures
from gridstation.core.intake.material_rules import DEFERRED, NOTICE
from gridstation.core.station import catalog
from gridstation.core.statistics import stats
from gridstation.reports.monthly import write_monthly
from tests.conftest import pdf_text
from tests.helpers import make_id

pytestmark = pytest.mark.both_backends

OCT = dt.date(2026, 10, 1)
TODAY = dt.date(2026, 11, 30)
ALL, FIRST_TWO, FIRST_ONE = ["居民身份证", "劳动合同或用工证明", "工资欠条或工资条"], ["居民身份证", "劳动合同或用工证明"], ["居民身份证"]


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 10, 0)


@pytest.fixture
def month_of_checks(clerk, admin):
    person = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))

    def intake(when, brought, mode="", deadline=None):
        data = intakes.IntakeInput(person.id, catalog.WAGE, "欠薪投诉",
                                   {"employer": "某公司", "workers": "1", "amount_owed": "100"}, received_at=when)
        return material_check.create_checked_intake(clerk, data, brought, mode=mode, deadline=deadline)

    n1 = intake(at(10, 3), FIRST_ONE, NOTICE, dt.date(2026, 10, 10))  # notice in Oct, 补正 in Oct
    material_check.supply_missing(clerk, n1.serial, at=at(10, 10))
    n2 = intake(at(10, 20), FIRST_ONE, NOTICE, dt.date(2026, 10, 30))  # notice in Oct, 补正 in Nov
    material_check.supply_missing(clerk, n2.serial, at=at(11, 2))
    n3 = intake(at(9, 28), FIRST_ONE, NOTICE, dt.date(2026, 10, 8))  # notice in Sep, 补正 in Oct
    material_check.supply_missing(clerk, n3.serial, at=at(10, 5))
    intake(at(10, 5), FIRST_TWO, DEFERRED, dt.date(2026, 10, 10))  # 容缺, never supplied: overdue at Oct's end
    d2 = intake(at(10, 6), FIRST_TWO, DEFERRED, dt.date(2026, 10, 12))  # 容缺, supplied in time
    material_check.supply_missing(clerk, d2.serial, at=at(10, 11))
    intake(at(10, 25), FIRST_TWO, DEFERRED, dt.date(2026, 11, 5))  # 容缺, deadline after the month
    intake(at(10, 7), ALL)  # complete: no figure
    d4 = intake(at(10, 8), FIRST_TWO, DEFERRED, dt.date(2026, 10, 9))  # 容缺 past deadline but returned
    intakes.change_status(clerk, d4.serial, intakes.RETURNED, note="居民撤回", at=at(10, 15))


def test_october_figures_as_counted_by_hand(month_of_checks):
    october = stats.period_stats(OCT, dt.date(2026, 10, 31), TODAY)
    assert october.materials == MaterialFigures(notices=2, supplemented=2, deferred=4, deferred_supplied=1,
                                                 deferred_overdue=1)
    november = stats.period_stats(dt.date(2026, 11, 1), TODAY, TODAY)
    # Nov: n2's 补正; the 10-25 容缺 (deadline 11-05) and the never-supplied one are still missing and late.
    assert november.materials == MaterialFigures(notices=0, supplemented=1, deferred=0, deferred_supplied=0,
                                                 deferred_overdue=2)


def test_monthly_report_prints_the_figures_and_their_definitions(month_of_checks, tmp_path):
    text = re.sub(r"\s+", " ", pdf_text(write_monthly(OCT, tmp_path / "m.pdf", tmp_path / "m.xlsx", today=TODAY)))
    assert "一次性告知与容缺受理" in text
    assert re.search(r"出具一次性告知单（件） 2 ", text) and re.search(r"容缺受理（件） 4 ", text)
    assert "补正完成：期间内材料补齐" in text
    sheet = openpyxl.load_workbook(tmp_path / "m.xlsx")["一次性告知与容缺受理"]
    rows = {r[0]: r[1:] for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["补正完成（件）"] == (2, 0, 0, 2)  # 本月, 上月 (Sep: none), 去年同月, 本年累计
    assert rows["出具一次性告知单（件）"] == (2, 1, 0, 3)
