"""Blank import templates: the ledger's columns, an example row, and a sheet explaining each column.

ID-number and phone columns are formatted as text for the first rows, so what staff type or paste
stays as typed instead of becoming 1.10101E+17. The example row holds real cells (a date is a date,
押金 a number), set in grey italics; left as it is, the import recognises it and skips it
(``ledger_import.is_sample``), so an untouched template never registers 张三.
"""

from __future__ import annotations

from pathlib import Path

from gridstation.core.ledgers import ledger_columns, sheet_layout
from gridstation.core.ledgers.exporters.sheet import FORMATS, save_workbook
from gridstation.core.ledgers.ledger_columns import DATE, ID_NUMBER, KIND_NAMES, MOMENT, MONEY, PHONE
from gridstation.core.ledgers.spreadsheet_safety import guard_sheet, xml_safe
from gridstation.core.storage import settings

TEXT_ROWS = 2000  # rows pre-formatted as text in the ID and phone columns


def write_template(kind: str, out: Path | str, *, station: str | None = None) -> Path:
    """The template of ``kind`` at ``out``; intakes list the station's own service fields too.

    The printed footer names the station: ``station`` when given (``""`` for a template made before the
    station's database exists), else the open station's name."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    columns = ledger_columns.columns_for(kind)
    path = Path(out)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{KIND_NAMES[kind]}台账"
    bold = sheet_layout.bold()
    sample = Font(name=sheet_layout.FONT_NAME, italic=True, color="808080")
    required_fill, fill = PatternFill("solid", fgColor="FCE4D6"), PatternFill("solid", fgColor="DDEBF7")
    for i, spec in enumerate(columns, start=1):
        header = sheet.cell(row=1, column=i, value=xml_safe(spec.header))
        header.font, header.fill = bold, required_fill if spec.required else fill
        header.alignment = Alignment(horizontal="center")
        example = sheet.cell(row=2, column=i, value=xml_safe(spec.typed_example()) if spec.example != "" else None)
        example.font = sample
        if spec.type in (ID_NUMBER, PHONE):
            for row in range(2, TEXT_ROWS + 2):
                sheet.cell(row=row, column=i).number_format = "@"
        elif spec.type in (DATE, MOMENT, MONEY):
            example.number_format = FORMATS[spec.type]
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "也可写作", "说明", "示例"])
    for cell in notes[1]:
        cell.font, cell.fill = bold, fill
    for spec in columns:
        notes.append([xml_safe(text) for text in (spec.header, "必填" if spec.required else "", "、".join(spec.aliases),
                                                  spec.note, "" if spec.example == "" else str(spec.example))])
    notes.append([])
    notes.append(["有表头的每张工作表都会导入（可按月或按业务分表）：灰色斜体的示例行原样不动时导入会跳过它，"
                  "也可删除或改成真实数据；表头上方的标题行、序号列、空行和合计行会被跳过。"])
    notes.append(["不要合并单元格；身份证号码和电话请保持“文本”格式。橙色表头为必填列。"])
    for letter, width in zip("ABCDE", (16, 9, 28, 70, 22), strict=False):
        notes.column_dimensions[letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in notes.iter_rows(min_row=2, max_row=len(columns) + 1):
        row[2].alignment = row[3].alignment = wrap  # 也可写作 and 说明
    for last in (notes.max_row - 1, notes.max_row):  # the closing sentences wrap over the table's width
        notes.merge_cells(start_row=last, start_column=1, end_row=last, end_column=5)
        notes.cell(last, 1).alignment = wrap
    sheet_layout.fit_wrapped_rows(notes, 2)
    if station is None:
        station = settings.get("station_name") or ""
    sheet_layout.fit_columns(sheet, minimum=[spec.width for spec in columns])
    sheet_layout.print_setup(sheet, f"{station}　{sheet.title}（模板）")
    sheet_layout.spread_built_sheet(sheet)
    sheet_layout.print_setup(notes, f"{station}　{sheet.title}填写说明")
    for each in (sheet, notes):  # a station's own field labels and choices are text, never formulas
        guard_sheet(each)
    save_workbook(workbook, path)
    return path
