"""The statistics workbook prints each table at full size: a definition note wraps over the table's
width (a one-cell note 180 characters long made fit-to-width print the table at 40 %), and the 说明
sheet's wrapped 统计口径 are as tall as their lines (they printed on top of each other)."""

from __future__ import annotations

import datetime as dt

import openpyxl

from gridstation.core.ledgers import sheet_layout
from gridstation.core.statistics.stats import DEFINITIONS
from gridstation.core.statistics.stats_tables import Column, StatTable
from gridstation.reports.stats_xlsx import write_xlsx

NOTE = "口径：" + "按发现日期统计当月登记的网格事件，办结率为当月登记且已办结的事件占当月登记事件的比例；" * 4


def test_a_note_is_merged_over_the_table_and_the_definitions_get_their_height(tmp_path):
    table = StatTable("网格事件", "网格事件", [Column("网格", 2.0), Column("登记", 1.0), Column("办结", 1.0)],
                      [["第一网格", 3, 2]], note=NOTE)
    book = openpyxl.load_workbook(write_xlsx([table], tmp_path / "s.xlsx", heading="测试站 2026年11月",
                                             generated=dt.datetime(2026, 12, 1, 9, 0)))
    sheet = book["网格事件"]
    assert "A2:C2" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A2"].alignment.wrap_text and sheet["A2"].alignment.vertical == "top"
    assert sheet.row_dimensions[2].height > sheet_layout.ROW_HEIGHT
    notes = book["说明"]
    width = notes.column_dimensions["A"].width
    tall = [i for i, line in enumerate(DEFINITIONS, start=1) if sheet_layout.wrapped_lines(f"{i}. {line}", width) > 1]
    assert tall
    for i in tall:
        lines = sheet_layout.wrapped_lines(f"{i}. {DEFINITIONS[i - 1]}", width)
        assert notes.row_dimensions[4 + i].height >= sheet_layout.ROW_HEIGHT * lines
