"""Every workbook the app writes reads and prints as a client opens it (issue 24, item 3).

Columns as wide as their longest value (no ### for ¥1 234 567.89, no clipped 养老金领取人员, full ID numbers
in the skipped-rows report), landscape A4 one page wide with the header row on every page and the
station and page number in the footer, bold text in the workbook's named font, the district's 导出时间 a
real date, templates whose examples are typed cells and whose untouched example row is not imported.

The LibreOffice test converts the workbooks to PDF as a client's office suite does and reads them back
with poppler; it runs where ``soffice`` is installed (CI installs libreoffice-calc: .ci/run) and is skipped
elsewhere.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from gridstation.cli import main
from gridstation.core.intake import intakes, residents
from gridstation.core.ledgers import ledger_columns, ledger_read, sheet_layout
from gridstation.core.ledgers.exporters.sheet import write_table
from gridstation.core.ledgers.ledger_export import EXPORT_KINDS, export_rows
from gridstation.core.ledgers.ledger_import import run_import
from gridstation.core.ledgers.ledger_templates import write_template
from gridstation.core.rules import clock
from gridstation.core.station import catalog
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.demo import demo
from tests.conftest import STATION
from tests.helpers import make_id

BIG = "1234567.89"  # ¥1 234 567.89 owed: printed as ### in a column of width 10
LONG_ID = make_id("110101", "19900307", "771")


def build(site_db: str, admin: m.Staff, folder: Path, residents_count: int = 60) -> dict[str, Path]:
    """Every kind of workbook, made through its real entry point, from a station with demo data and a
    wage claim of over a million yuan."""
    # The demo's data written into this station (the ``demo`` command takes only a new database).
    demo.generate(residents=residents_count, intakes=40, loans=15, seed=7)
    person = m.Resident.select().first()
    intakes.create_intake(admin, intakes.IntakeInput(person.id, catalog.WAGE, details={
        "employer": "某某建筑工程有限公司第三项目部", "workers": 120, "amount_owed": BIG},
        received_at=clock.now() - dt.timedelta(hours=1)))
    books = {}
    for kind in EXPORT_KINDS:
        books[f"export-{kind}"] = folder / f"export-{kind}.xlsx"
        export_rows(kind, None, books[f"export-{kind}"], actor=admin)
    for kind in ledger_columns.KINDS:
        books[f"template-{kind}"] = write_template(kind, folder / f"template-{kind}.xlsx")
    ledger = folder / "bad.csv"
    ledger.write_text(f"姓名,身份证号,出生日期,备注\n王五,{LONG_ID[:-1]}0,1990-03-07,{'很长的备注' * 8}\n",
                      encoding="utf-8")
    books["skipped"] = folder / "skipped.xlsx"
    assert main(["--db", site_db, "import", "residents", str(ledger), "--valid-only",
                 "--skipped-report", str(books["skipped"])]) == 0
    month = clock.today().strftime("%Y-%m")
    summary = folder / "summary.json"
    books["monthly"] = folder / "monthly.xlsx"
    assert main(["--db", site_db, "report", "monthly", "--month", month, "--out", str(folder / "m.pdf"),
                 "--xlsx", str(books["monthly"]), "--export-summary", str(summary)]) == 0
    books["annual"] = folder / "annual.xlsx"
    assert main(["--db", site_db, "report", "annual", "--year", month[:4], "--out", str(folder / "a.pdf"),
                 "--xlsx", str(books["annual"])]) == 0
    dbmod.close_database()
    books["district"] = folder / "district.xlsx"
    assert main(["district", "--month", month, str(summary), "--out", str(folder / "d.pdf"),
                 "--xlsx", str(books["district"])]) == 0
    return books


@pytest.fixture
def books(site_db, admin, tmp_path, capsys) -> dict[str, Path]:
    made = build(site_db, admin, tmp_path)
    capsys.readouterr()
    return made


def pages_across(sheet: Any) -> tuple[int, int]:
    """What ``sheet_layout`` should have chosen for a sheet, from its widths and header row as stored."""
    row = 3 if sheet.print_title_rows == "$3:$3" else 1
    headers = [str(cell.value or "") for cell in sheet[row]]
    widths = [sheet.column_dimensions[get_column_letter(i)].width or 0.0 for i in range(1, len(headers) + 1)]
    return sheet_layout.pages_across(widths, headers)


def test_every_sheet_prints_landscape_on_a4_readably_wide_with_header_and_footer(books):
    """One page across unless that shrinks it past ``MIN_SCALE``; then more pages, 编号 … 姓名 on each."""
    wide = []
    for name, path in books.items():
        for sheet in openpyxl.load_workbook(path).worksheets:
            where = f"{name}!{sheet.title}"
            setup = sheet.page_setup
            across, titles = pages_across(sheet)
            assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
                "landscape", 9, across, 0), where
            if across > 1:
                wide.append(name)
                assert sheet.print_title_cols == f"$A:${get_column_letter(titles)}", where
            assert sheet.sheet_properties.pageSetUpPr.fitToPage, where
            assert "&P" in sheet.oddFooter.right.text and "&N" in sheet.oddFooter.right.text, where
            if name != "district":
                assert STATION in sheet.oddFooter.left.text, where
            if sheet.title not in ("填写说明", "说明"):  # a table: its header row on every page
                assert sheet.print_title_rows in ("$1:$1", "$3:$3"), where
    assert {"export-intakes", "export-ratings", "template-intakes"} <= set(wide)


def test_columns_are_as_wide_as_their_longest_value_and_bold_text_names_its_font(books):
    for name, path in books.items():
        for sheet in openpyxl.load_workbook(path).worksheets:
            if sheet.title in ("填写说明", "说明"):
                continue
            first = 4 if name in ("monthly", "annual", "district") else 1
            for row in sheet.iter_rows(min_row=first):
                for cell in row:
                    if cell.font.b:
                        assert cell.font.name == sheet_layout.FONT_NAME, f"{name}!{cell.coordinate}"
                    if cell.value is None:
                        continue
                    width = sheet.column_dimensions[cell.column_letter].width
                    wrapped = cell.alignment.wrap_text or cell.row == 3 and first == 4
                    need = min(sheet_layout.shown_width(cell.value, cell.number_format), sheet_layout.MAX_WIDTH)
                    assert wrapped or width >= need, f"{name}!{cell.coordinate} {cell.value!r}: {width} < {need}"


def test_a_million_yuan_a_full_id_and_a_long_header_fit(books):
    """The cases the issue saw: amounts over ¥1 000 000, IDs cut to 14 digits, 养老金领取人员 clipped."""
    intakes_sheet = openpyxl.load_workbook(books["export-intakes"]).worksheets[0]
    owed = [c for c in intakes_sheet[1] if c.value == "欠薪金额"][0].column_letter
    assert intakes_sheet.column_dimensions[owed].width >= 1.2 * len("1,234,567.89")
    wage = openpyxl.load_workbook(books["monthly"])["讨薪"]
    amounts = [c for row in wage.iter_rows(min_row=4) for c in row if "¥" in c.number_format]
    assert max(Decimal(str(c.value)) for c in amounts) >= Decimal(BIG)
    for cell in amounts:
        assert wage.column_dimensions[cell.column_letter].width >= 1.2 * len(f"¥{cell.value:,.2f}")
    people = openpyxl.load_workbook(books["export-residents"]).worksheets[0]
    pension = [c for c in people[1] if c.value == "养老金领取人员"][0].column_letter
    assert people.column_dimensions[pension].width >= 2 * len("养老金领取人员") + 2
    skipped = openpyxl.load_workbook(books["skipped"]).worksheets[0]
    header = [c.value for c in skipped[1]]
    row = {h: c for h, c in zip(header, skipped[2], strict=True)}
    assert skipped.column_dimensions[row["身份证号"].column_letter].width >= 18 * 1.2
    assert skipped.column_dimensions[row["出生日期"].column_letter].width >= 10 * 1.2
    assert row["问题说明"].alignment.wrap_text and row["备注"].value == "很长的备注" * 8


def test_the_district_workbook_gives_its_export_time_as_a_date(books):
    sources = openpyxl.load_workbook(books["district"])["汇总来源"]
    header = [c.value for c in sources[3]]
    cell = sources.cell(4, header.index("导出时间") + 1)
    assert isinstance(cell.value, dt.datetime) and cell.number_format == "yyyy-mm-dd hh:mm"
    assert isinstance(sources.cell(4, header.index("数据截至") + 1).value, dt.datetime)  # dates read back so


@pytest.mark.parametrize("kind", ledger_columns.KINDS)
def test_a_template_stores_typed_examples_and_its_untouched_example_is_not_imported(db_path, admin, tmp_path, kind):
    path = write_template(kind, tmp_path / f"{kind}.xlsx")
    sheet = openpyxl.load_workbook(path).worksheets[0]
    example = {h.value: c for h, c in zip(sheet[1], sheet[2], strict=True)}
    for spec in ledger_columns.columns_for(kind):
        if spec.type in (ledger_columns.DATE, ledger_columns.MOMENT) and spec.example:
            assert isinstance(example[spec.header].value, dt.datetime), spec.header
        if spec.type == ledger_columns.MONEY and spec.example:
            assert isinstance(example[spec.header].value, (int, float)), spec.header
    before = {model: model.select().count() for model in (m.Resident, m.Intake, m.ToolUnit, m.Loan, m.GridEvent)}
    report = run_import(ledger_read.open_ledger(path, kind), admin)
    assert report.created == 0 and not report.problems
    assert any("示例行" in note for note in report.notes), report.notes
    assert {model: model.select().count() for model in before} == before


def test_a_template_row_changed_in_one_cell_is_imported(db_path, admin, tmp_path):
    path = write_template("residents", tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(path)
    book.worksheets[0]["A2"] = "张三丰"
    book.save(path)
    report = run_import(ledger_read.open_ledger(path, "residents"), admin)
    assert report.created == 1 and residents.find_by_document(LONG_ID).name == "张三丰"


def test_a_deposit_template_reads_its_typed_example(db_path, admin, tmp_path):
    """The tools template's 押金 is the number 50, and a copy with one cell changed imports it as ¥50.00."""
    path = write_template("tools", tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.worksheets[0]["E2"].value == 50 and book.worksheets[0]["E2"].number_format == "#,##0.00"
    book.worksheets[0]["A2"] = "铝合金人字梯"
    book.save(path)
    assert run_import(ledger_read.open_ledger(path, "tools"), admin).created == 1
    assert m.ToolKind.get(m.ToolKind.name == "铝合金人字梯").deposit_fen == 5000


# ---------------------------------------------------------------- LibreOffice and poppler, as a client opens them


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(soffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) and poppler (pdftotext) are needed: "
                           "apt-get install libreoffice-calc poppler-utils")
def test_libreoffice_prints_every_workbook_without_hash_marks_and_with_the_header_on_each_page(
        site_db, admin, tmp_path, capsys):
    """About 30 s: sixteen workbooks, one LibreOffice start."""
    books = build(site_db, admin, tmp_path, residents_count=150)
    capsys.readouterr()
    out = tmp_path / "pdf"
    profile = tmp_path / "lo-profile"  # its own profile: no clash with a LibreOffice the user has open
    subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), *map(str, books.values())],
                   check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(tmp_path)})
    for name, path in books.items():
        pdf = out / f"{path.stem}.pdf"
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                              text=True).stdout
        assert "###" not in text, name
    second = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-layout", str(out / "export-residents.pdf"), "-"],
                            check=True, capture_output=True, text=True).stdout
    assert "身份证号" in second and "小区" in second  # the header row, repeated on page 2
    # wider than a page shrunk to 58 %: the columns on the right print on their own pages, 姓名 repeated at the left
    whole = subprocess.run(["pdftotext", "-layout", str(out / "export-residents.pdf"), "-"], check=True,
                           capture_output=True, text=True).stdout
    right = [page for page in whole.split("\f") if "养老金领取人员" in page]
    assert right and all("姓名" in page and "状态" in page and "身份证号" not in page for page in right)
    assert STATION in second and "第 2 页" in second  # the footer
    info = subprocess.run(["pdfinfo", str(out / "export-residents.pdf")], check=True, capture_output=True,
                          text=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size:")).split()
    assert float(size[2]) > float(size[4]) and "(A4)" in info  # A4, landscape


def word_boxes(pdf: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """(xMin, yMin, xMax, yMax, text) of every word poppler finds on one page."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)]


def overlaps(boxes: list[tuple[float, float, float, float, str]]) -> list[tuple[str, str]]:
    """Pairs of words printed over each other (lines of one wrapped cell touch by a point or two: not counted)."""
    out = []
    for i, (x1, y1, x2, y2, a) in enumerate(boxes):
        for u1, v1, u2, v2, b in boxes[i + 1:]:
            if min(x2, u2) - max(x1, u1) > 1 and min(y2, v2) - max(y1, v1) > 3:
                out.append((a, b))
    return out


@pytest.mark.skipif(soffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) and poppler (pdftotext) are needed: "
                           "apt-get install libreoffice-calc poppler-utils")
def test_wide_ledgers_print_at_a_readable_size_and_wrapped_rows_never_overlap(site_db, admin, tmp_path, capsys):
    """The intake ledger's 34 columns printed at 27 % (text under 3 points) and the ratings' at 50 %: now
    every export prints at 6 points or more, on more pages across where it must; and the skipped-rows
    report's wrapped 问题说明 printed over the next row. Each header is measured against the same header
    printed at 100 % in the same LibreOffice, so the fonts it substitutes do not matter."""
    demo.generate(residents=40, intakes=60, loans=10, seed=7)
    folder = tmp_path / "books"
    folder.mkdir()
    books = {kind: folder / f"{kind}.xlsx" for kind in ("intakes", "ratings", "events", "residents")}
    for kind, path in books.items():
        export_rows(kind, None, path, actor=admin)
    reference = openpyxl.Workbook()
    for column, header in enumerate(("受理编号", "事件编号", "姓名"), start=1):
        reference.active.cell(1, column, header).font = sheet_layout.bold()
    reference.save(folder / "reference.xlsx")
    ledger = folder / "bad.csv"
    ledger.write_text("姓名,身份证号,出生日期\n" + "".join(f"王{i},{LONG_ID[:-1]}0,1990-03-07\n" for i in range(3)),
                      encoding="utf-8")
    skipped = folder / "skipped.xlsx"
    assert main(["--db", site_db, "import", "residents", str(ledger), "--valid-only",
                 "--skipped-report", str(skipped)]) == 0
    capsys.readouterr()
    out = tmp_path / "pdf"
    subprocess.run([soffice(), f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out), *map(str, folder.glob("*.xlsx"))],
                   check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(tmp_path)})
    full = {text: y2 - y1 for _x1, y1, _x2, y2, text in word_boxes(out / "reference.pdf", 1)}
    for kind in books:
        boxes = word_boxes(out / f"{kind}.pdf", 1)
        first = boxes[0][4]  # the top-left header cell: 受理编号, 事件编号 or 姓名
        scale = (boxes[0][3] - boxes[0][1]) / full[first]
        assert 11 * scale >= 6, (kind, round(scale, 2))
        assert not overlaps(boxes), kind
    boxes = word_boxes(out / "skipped.pdf", 1)
    assert len([b for b in boxes if b[4].startswith("王")]) == 3 and not overlaps(boxes)


def test_a_wrapped_problem_makes_its_row_tall_enough_and_a_long_note_wraps_at_the_capped_width(db_path, tmp_path):
    """No office program grows a row for wrapped text on opening: the row's height is written with it."""
    problem = "“身份证号”身份证号校验位错误：最后一位应为5，请核对证件。" * 2
    path = write_table(tmp_path / "s.xlsx", "未导入的行", ["行号", "问题说明", "备注"],
                       [[2, problem, "短"], [3, "缺少姓名。", "很长的备注" * 12]], wrap=[1])
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet["B2"].alignment.wrap_text and sheet["C3"].alignment.wrap_text
    assert sheet.row_dimensions[2].height >= sheet_layout.ROW_HEIGHT * sheet_layout.wrapped_lines(problem) > 30
    assert sheet.row_dimensions[3].height >= sheet_layout.ROW_HEIGHT * 3
    assert sheet.column_dimensions["B"].width == sheet.column_dimensions["C"].width == sheet_layout.WRAP_WIDTH


def test_reserved_widths_take_any_measured_width_in_place(tmp_path):
    """The placeholder is five characters; every width from 6 to 255 is written in five, read back intact."""
    widths = [6.0, 9.96, 9.999, 12.34, 99.96, 150.0, 300.0]
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("s")
    sheet_layout.placeholder_widths(sheet, len(widths))
    sheet.append(list(range(len(widths))))
    sheet.close()
    sheet_layout.stream_widths(Path(sheet._writer.out), widths)
    book.save(tmp_path / "w.xlsx")
    back = openpyxl.load_workbook(tmp_path / "w.xlsx").active
    read = [back.column_dimensions[chr(ord("A") + i)].width for i in range(len(widths))]
    assert read == pytest.approx([6.0, 10.0, 10.0, 12.3, 100.0, 150.0, 255.0])
    with pytest.raises(RuntimeError):
        sheet_layout.stream_widths(tmp_path / "w.xlsx", [1.0])  # not a sheet with reserved widths
