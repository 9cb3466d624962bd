"""Issue 22 item 11: dates no record can have are refused; an intake ledger without 受理编号 imported
twice adds nothing, while two genuine claims of one resident on one day both stay; the 10 000th event
of a day gets a number the 事件 page still finds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from gridstation.core.events import numbering, rules
from gridstation.core.events.register import EventInput, register_event
from gridstation.core.ledgers import ledger_read
from gridstation.core.ledgers.ledger_import import ImportOptions, run_import
from gridstation.core.rules import clock, date_range
from gridstation.core.storage import models as m
from tests.helpers import make_id, snapshot

ZHANG = make_id("110101", "19900307", "771")
INTAKE_HEADERS = ["受理日期", "姓名", "身份证号", "业务类型", "办理事项", "状态", "办结日期", "办理结果", "用人单位",
                  "涉及人数", "欠薪金额"]


def xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def run(path: Path, kind: str, actor=None, **options: bool):
    return run_import(ledger_read.open_ledger(path, kind), actor, ImportOptions(**options))


@pytest.mark.parametrize("cell", ["1899-12-31", "1025-03-01", "3025-01-05", dt.datetime(1899, 1, 1, 9)])
def test_an_event_dated_outside_the_plausible_range_is_refused_and_gets_no_number(db_path, tmp_path, cell):
    path = xlsx(tmp_path / "e.xlsx", [["发现时间", "事件类别", "问题描述"], [cell, "设施损坏", "路灯不亮"],
                                      ["2024-01-05", "设施损坏", "井盖松动"]])
    before = snapshot()
    report = run(path, "events")
    assert [(p.row, p.column) for p in report.problems] == [(2, "发现时间")]
    assert "不在合理范围内（1900-01-01 至" in report.problems[0].message
    assert snapshot() == before and not m.GridEvent.select().exists()


def test_the_range_is_1900_to_the_end_of_next_year():
    assert date_range.out_of_range(dt.date(1900, 1, 1)) is None
    assert date_range.out_of_range(dt.date(clock.today().year + 1, 12, 31)) is None
    assert date_range.out_of_range(dt.date(1899, 12, 31)) and date_range.out_of_range(
        dt.date(clock.today().year + 2, 1, 1))


def intake_rows(day: dt.date) -> list[list[object]]:
    """Two genuine claims of one resident on one day (two employers), and a 失业证 of another day."""
    return [INTAKE_HEADERS,
            [f"{day} 09:00", "张三", ZHANG, "欠薪", "欠薪投诉", "受理", None, None, "甲公司", 3, 12000],
            [f"{day} 09:00", "张三", ZHANG, "欠薪", "欠薪投诉", "受理", None, None, "乙公司", 5, 8000],
            [f"{day - dt.timedelta(days=1)}", "张三", ZHANG, "失业证", "新办", "办结", f"{day}", "已发证",
             None, None, None]]


def test_an_intake_ledger_without_serials_imported_twice_adds_nothing_the_second_time(db_path, admin, tmp_path):
    day = clock.today() - dt.timedelta(days=30)
    path = xlsx(tmp_path / "i.xlsx", intake_rows(day))
    first = run(path, "intakes", admin)
    assert first.written and first.created == 3 and not first.problems
    assert m.Intake.select().count() == 3  # two claims of one resident on one day are both kept
    before = snapshot()
    dry = run(path, "intakes", admin, dry_run=True)
    assert dry.created == 0 and dry.existing == 3
    repeats = [n for n in dry.notes if "重复导入" in n]
    assert len(repeats) == 3 and any("第2行" in n for n in repeats) and any("第4行" in n for n in repeats)
    again = run(path, "intakes", admin)
    assert again.written and again.created == 0 and again.existing == 3
    assert m.Intake.select().count() == 3 and snapshot()["intake"] == before["intake"]


def test_a_row_differing_in_one_field_is_a_new_intake_and_identical_rows_in_one_file_are_two(db_path, admin,
                                                                                            tmp_path):
    day = clock.today() - dt.timedelta(days=30)
    rows = intake_rows(day)
    twice = xlsx(tmp_path / "twice.xlsx", [rows[0], rows[1], rows[1]])  # two claims written alike
    assert run(twice, "intakes", admin).created == 2
    assert run(twice, "intakes", admin).created == 0
    changed = list(rows[1])
    changed[-1] = 12500  # another amount: another claim
    assert run(xlsx(tmp_path / "changed.xlsx", [rows[0], changed]), "intakes", admin).created == 1
    assert m.Intake.select().count() == 3


def test_the_10000th_event_of_a_day_gets_a_number_that_is_found(db_path, clerk):
    today = clock.today()
    m.SerialCounter.create(scope=numbering.counter_scope(today), last=9999)
    event = register_event(clerk, EventInput("设施损坏", rules.NORMAL, "路灯不亮", rules.PATROL))
    assert event.number == f"SJ{today:%Y%m%d}10000"
    assert numbering.looks_like_number(event.number) and numbering.looks_like_number(event.number.lower())
    assert not numbering.looks_like_number(f"SJ{today:%Y%m%d}001")
