"""A ledger whose size is not its data's: refused in one Chinese line before any reader builds it.

calamine builds a worksheet as a dense rectangle up to its last cell holding a value and sizes its
string table from the count the file claims: a 2 KB workbook with one ``x`` in XFD1048576 aborted
the whole process (the import wizard with it), a space typed in Z1048576 cost 1.5 GB, an .ods row
repeated a million times four minutes. The command runs here as its own process under a memory
limit, so a reader that would still build the rectangle fails the test instead of the test run.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from gridstation.cli import main
from tests.helpers import ROOT, make_id, snapshot

SHEET = "xl/worksheets/sheet1.xml"
MEMORY_LIMIT = 1 << 30  # a tenth of what the far cells below would take


def ledger(tmp_path: Path, name: str, *, cells: bytes = b"", strings: int | None = None) -> Path:
    """A valid one-resident ledger with ``cells`` (rows of sheet XML) added after its data, and optionally
    a string table claiming ``strings`` entries."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "花名册"
    workbook.active.append(["姓名", "身份证号"])
    workbook.active.append(["张三", make_id()])
    workbook.save(tmp_path / "valid.xlsx")
    out = tmp_path / name
    with zipfile.ZipFile(tmp_path / "valid.xlsx") as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == SHEET:
                data = data.replace(b"</sheetData>", cells + b"</sheetData>")
            new.writestr(item.filename, data)
        if strings is not None:
            new.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
                         f'openxmlformats.org/spreadsheetml/2006/main" count="{strings}" uniqueCount="{strings}">'
                         "<si><t>姓名</t></si></sst>")
    return out


def far(ref: str, row: int, text: str = "x", *, with_ref: bool = True) -> bytes:
    place = f' r="{ref}"' if with_ref else ""
    return f'<row r="{row}"><c{place} t="inlineStr"><is><t>{text}</t></is></c></row>'.encode()


def run_apart(db_path: Path, path: Path) -> subprocess.CompletedProcess:
    """The dry run as its own process, its memory capped: an abort or a gigabyte allocation fails it."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    folder = path.parent
    return subprocess.run([sys.executable, "-m", "gridstation", "--db", str(db_path), "import", "residents", str(path),
                           "--dry-run"], capture_output=True, text=True, cwd=folder, timeout=120, preexec_fn=cap,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(folder), "GRIDSTATION_DATA_DIR": str(folder)})


FAR = {
    "x in the last cell Excel has": (far("XFD1048576", 1048576), "XFD1048576"),
    "a space typed far down": (far("Z1048576", 1048576, " "), "Z1048576"),
    "a value far right": (far("XFD3000", 3000), "XFD3000"),
    "a row number past Excel's": (far("", 4294967295, with_ref=False), "A4294967295"),
}


def ods_row(values: list[str], repeat: int = 1, span: tuple[int, int] = (1, 1)) -> str:
    """One row of an .ods sheet; ``span`` merges its first cell over (columns, rows)."""
    merge = f' table:number-columns-spanned="{span[0]}" table:number-rows-spanned="{span[1]}"'
    cells = "".join(f'<table:table-cell office:value-type="string"{merge if i == 0 else ""}><text:p>{v}</text:p>'
                    "</table:table-cell>" for i, v in enumerate(values))
    covered = f'<table:covered-table-cell table:number-columns-repeated="{span[0] - 1}"/>' if span[0] > 1 else ""
    return f'<table:table-row table:number-rows-repeated="{repeat}">{cells}{covered}</table:table-row>'


def ods(path: Path, rows: str) -> Path:
    """A LibreOffice sheet 花名册 of ``rows`` (ods_row), written as LibreOffice lays the file out."""
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
               'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               f'<office:spreadsheet><table:table table:name="花名册">{rows}</table:table></office:spreadsheet>'
               "</office:body></office:document-content>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:'
                         'manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
                         'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                         '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                         "</manifest:manifest>")
        archive.writestr("content.xml", content)
    return path


@pytest.mark.parametrize("case", FAR)
def test_a_far_away_cell_is_refused_quickly_naming_it(db_path, tmp_path, case):
    cells, named = FAR[case]
    path = ledger(tmp_path, "花名册.xlsx", cells=cells)
    started = time.perf_counter()
    result = run_apart(db_path, path)
    assert result.returncode == 2, result.stderr[-500:]
    line, = result.stderr.strip().splitlines()
    assert named in line and "工作表“花名册”" in line and "请删除该格" in line
    assert time.perf_counter() - started < 20


def test_a_string_table_claiming_billions_of_entries_is_refused(db_path, tmp_path):
    result = run_apart(db_path, ledger(tmp_path, "花名册.xlsx", strings=4_000_000_000))
    assert result.returncode == 2, result.stderr[-500:]
    assert "4,000,000,000" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_an_ods_row_repeated_a_million_times_is_refused(db_path, tmp_path):
    """LibreOffice writes identical rows once with a repeat count; calamine expanded this one to a
    million rows (and the run printed a million problems)."""
    path = ods(tmp_path / "花名册.ods", ods_row(["姓名", "身份证号"]) + ods_row(["张三", make_id()], 1_048_573))
    started = time.perf_counter()
    result = run_apart(db_path, path)
    assert result.returncode == 2, result.stderr[-500:]
    assert "1,048,574 行" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert time.perf_counter() - started < 20


def test_a_ledger_with_wide_and_long_data_within_the_limits_is_read(db_path, tmp_path, capsys):
    """A resident on row 5000 with a note in AZ5000 (far, but inside the limits) is read as before."""
    cells = (f'<row r="5000"><c r="A5000" t="inlineStr"><is><t>李四</t></is></c><c r="B5000" t="inlineStr"><is><t>'
             f'{make_id(seq="772")}</t></is></c><c r="AZ5000" t="inlineStr"><is><t>备注</t></is></c></row>').encode()
    path = ledger(tmp_path, "花名册.xlsx", cells=cells)
    assert main(["--db", str(db_path), "import", "residents", str(path), "--dry-run"]) == 0
    assert "共 2 行，全部通过检查" in capsys.readouterr().out


def refused(capsys, db_path: Path, path: Path) -> str:
    before = snapshot()
    assert main(["--db", str(db_path), "import", "residents", str(path), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and snapshot() == before
    return err


def test_a_csv_line_of_thousands_of_empty_cells_is_read_up_to_its_last_value(db_path, tmp_path, capsys):
    path = tmp_path / "commas.csv"
    path.write_text("姓名,身份证号" + "," * 2_000_000 + f"\n张三,{make_id()}\n", encoding="utf-8")
    started = time.perf_counter()
    assert main(["--db", str(db_path), "import", "residents", str(path), "--dry-run"]) == 0
    assert "全部通过检查" in capsys.readouterr().out
    assert time.perf_counter() - started < 5


def test_a_csv_header_of_thousands_of_columns_is_refused(db_path, tmp_path, capsys):
    path = tmp_path / "wide.csv"
    path.write_text("姓名,身份证号," + ",".join(f"列{i}" for i in range(5000)) + f"\n张三,{make_id()}\n", encoding="utf-8")
    assert "5,002 列" in refused(capsys, db_path, path)


def test_a_csv_over_the_size_cap_is_refused_by_its_size(db_path, tmp_path, capsys):
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:  # sparse: takes no disk
        handle.write("姓名,身份证号\n".encode())
        handle.truncate(201 * 2**20)
    started = time.perf_counter()
    assert "201 MB" in refused(capsys, db_path, path)
    assert time.perf_counter() - started < 2


def test_a_csv_with_old_mac_line_ends_is_read(db_path, tmp_path, capsys):
    path = tmp_path / "cr.csv"
    path.write_bytes(f"姓名,身份证号\r张三,{make_id()}\r".encode())
    assert main(["--db", str(db_path), "import", "residents", str(path), "--dry-run"]) == 0
    assert "共 1 行，全部通过检查" in capsys.readouterr().out


def test_hidden_and_very_hidden_sheets_are_named_and_not_read(db_path, tmp_path, capsys):
    """Stations hide old and void sheets rather than delete them; a clerk must not import rows Excel hides."""
    workbook = openpyxl.Workbook()
    for title, state, seq in (("花名册", "visible", "771"), ("旧数据", "hidden", "772"), ("废弃", "veryHidden", "773")):
        sheet = workbook.active if title == "花名册" else workbook.create_sheet(title)
        sheet.title, sheet.sheet_state = title, state
        sheet.append(["姓名", "身份证号"])
        sheet.append([f"居民{seq}", make_id(seq=seq)])
    path = tmp_path / "hidden.xlsx"
    workbook.save(path)
    assert main(["--db", str(db_path), "import", "residents", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "读取了工作表：“花名册”（1行）；工作表“旧数据”、“废弃”是隐藏的，未读取。" in out
    assert "共 1 行，全部通过检查" in out


def test_a_far_cell_on_a_hidden_sheet_does_not_stop_the_visible_ones(db_path, tmp_path, capsys):
    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名", "身份证号"])
    workbook.active.append(["张三", make_id()])
    old = workbook.create_sheet("旧数据")
    old.sheet_state = "hidden"
    old["XFD1048576"] = "x"
    path = tmp_path / "hidden_far.xlsx"
    workbook.save(path)
    assert main(["--db", str(db_path), "import", "residents", str(path), "--dry-run"]) == 0
    assert "“旧数据”是隐藏的，未读取" in capsys.readouterr().out


def test_direction_overrides_in_sheet_and_column_names_are_neutralised_where_they_are_read(tmp_path):
    """One rule for the command line and the wizard: the names come out of the reader already shown safely."""
    from gridstation.core.ledgers.ledger_read import open_ledger

    workbook = openpyxl.Workbook()
    workbook.active.title = "名单\u202e甲"
    workbook.active.append(["姓名", "身份证号", "备注\u202e乙"])
    workbook.active.append(["张三", make_id(), "x"])
    second = workbook.create_sheet("二")
    second.append(["姓名", "身份证号"])
    second.append(["李四", make_id(seq="772")])
    path = tmp_path / "names.xlsx"
    workbook.save(path)
    sheet = open_ledger(path, "residents").sheet
    assert sheet.place(2) == "工作表“名单\ufffd甲”第2行"
    assert "备注\ufffd乙" in sheet.headers and not any("\u202e" in h for h in sheet.headers)


def test_a_header_merged_over_the_columns_is_named_by_its_own_text(db_path, tmp_path, capsys):
    """住址 merged over A1:C2 with 姓名 typed into the covered row: the message names 住址, not 姓名."""
    path = ods(tmp_path / "merged.ods", ods_row(["住址"], span=(3, 2)) + ods_row(["姓名", "身份证号"])
               + ods_row(["张三", make_id()]))
    err = refused(capsys, db_path, path)
    assert "表头“住址”合并了 A1:C2" in err


def test_a_long_column_name_given_is_echoed_cut_short(db_path, tmp_path, capsys):
    path = tmp_path / "r.csv"
    path.write_text(f"姓名,身份证号\n张三,{make_id()}\n", encoding="utf-8")
    before = snapshot()
    assert main(["--db", str(db_path), "import", "residents", str(path), "--column", "长" * 20_000 + "=联系电话"]) == 2
    err = capsys.readouterr().err
    assert "长" * 40 + "…" in err and len(err) < 300 and snapshot() == before
