"""A row of wrapped text prints as one row: tall enough for its lines, every cell at the top.

No office program grows a row for wrapped text on opening, and a cell keeps Excel's default bottom
alignment unless told: a wrapped 说明 printed over the next rows, a wrapped 问题说明 beside the
previous row's values. What LibreOffice made of these workbooks was looked at page by page; these
tests hold the layout that made them readable.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from gridstation.core.ledgers import ledger_columns, sheet_layout
from gridstation.core.ledgers.exporters.sheet import Col, write_sheet, write_table
from gridstation.core.ledgers.ledger_columns import DATE
from gridstation.core.ledgers.ledger_templates import write_template

PROBLEM = "“身份证号”身份证号校验位错误：最后一位应为5，请核对证件。" * 2


def test_every_cell_of_a_wrapped_row_sits_at_the_top_in_the_skipped_rows_report(db_path, tmp_path):
    path = write_table(tmp_path / "s.xlsx", "未导入的行", ["行号", "问题说明", "姓名"],
                       [[2, PROBLEM, "王五"], [3, "缺少姓名。", "李四"]], wrap=[1])
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet.row_dimensions[2].height > sheet_layout.ROW_HEIGHT
    assert [c.alignment.vertical for c in sheet[2]] == ["top", "top", "top"]
    assert sheet["B2"].alignment.wrap_text


def test_an_export_row_with_wrapped_text_keeps_its_formats_at_the_top(db_path, tmp_path):
    columns = [Col("编号", lambda r: r[0]), Col("受理日期", lambda r: r[1], DATE), Col("办理结果", lambda r: r[2])]
    path = tmp_path / "e.xlsx"
    write_sheet(path, "受理台账", columns, [("SL1", dt.date(2024, 1, 5), "已指导当事人申请劳动仲裁" * 3),
                                           ("SL2", dt.date(2024, 1, 6), "已办结")])
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert [c.alignment.vertical for c in sheet[2]] == ["top", "top", "top"]
    assert sheet["B2"].number_format == "yyyy-mm-dd" and sheet["C2"].alignment.wrap_text
    assert sheet.row_dimensions[3].height is None  # a one-line row keeps the default


@pytest.mark.parametrize("kind", ledger_columns.KINDS)
def test_the_template_notes_sheet_gives_wrapped_explanations_their_height(db_path, tmp_path, kind):
    notes = openpyxl.load_workbook(write_template(kind, tmp_path / "t.xlsx"))["填写说明"]
    tall = 0
    for row in notes.iter_rows(min_row=2, max_row=notes.max_row):
        texts = [c for c in row if isinstance(c.value, str) and c.alignment.wrap_text]
        width = {c.column: notes.column_dimensions[get_column_letter(c.column)].width for c in row}
        lines = max((sheet_layout.wrapped_lines(c.value, width[c.column]) for c in texts if c.column > 1),
                    default=1)
        if lines > 1:
            tall += 1
            assert notes.row_dimensions[row[0].row].height >= sheet_layout.ROW_HEIGHT * lines, row[0].value
            assert {c.alignment.vertical for c in row} == {"top"}, row[0].value
    assert tall
    assert all(notes.cell(r, 3).alignment.wrap_text for r in range(2, len(ledger_columns.columns_for(kind)) + 2))
    # The two closing sentences wrap across the whole table instead of running off the page.
    merged = {str(r) for r in notes.merged_cells.ranges}
    assert {f"A{notes.max_row - 1}:E{notes.max_row - 1}", f"A{notes.max_row}:E{notes.max_row}"} <= merged
    assert notes.row_dimensions[notes.max_row - 1].height > sheet_layout.ROW_HEIGHT
