"""Malformed ledgers and an unwritable database at the command line: one Chinese line, exit 2, nothing stored.

Each file here used to end in a Python traceback (exit 1): a CSV cell over the csv module's
131 072-character limit, an xlsx whose sheet XML is cut off, one with no worksheet, one with a cell
reference openpyxl cannot parse, one with a date cell no calendar has, and an import into a
database file that is read-only inside a writable folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest

from gridstation.cli import main
from gridstation.core.storage import db as dbmod
from tests.helpers import ROOT, WITHOUT_FILE_RIGHTS, make_id, snapshot


def valid_xlsx(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名", "身份证号", "出生日期"])
    workbook.active.append(["张三", make_id(), None])
    workbook.save(path)
    return path


def damaged(tmp_path: Path, name: str, member: str, change) -> Path:
    """A copy of a valid ledger with one zip member rewritten, as a broken writer or a cut copy leaves it."""
    source = valid_xlsx(tmp_path / "valid.xlsx")
    out = tmp_path / name
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            new.writestr(item, change(data) if item.filename == member else data)
    return out


SHEET, BOOK = "xl/worksheets/sheet1.xml", "xl/workbook.xml"
CASES = {
    "broken sheet XML": (SHEET, lambda d: d[: len(d) // 2], "已损坏"),
    "no sheet": (BOOK, lambda d: re.sub(rb"<sheet [^>]*/>", b"", d), "没有工作表"),
    "bad cell reference": (SHEET, lambda d: d.replace(b'r="A2"', b'r="!!"'), "第2行附近已损坏"),
}
BAD_DATE = (SHEET, lambda d: d.replace(b"</row></sheetData>", b'<c r="C2" t="d"><v>2025-13-45</v></c>'
                                                          b"</row></sheetData>"))


def refused(capsys, db_path: Path, *args: str) -> str:
    before = snapshot()
    assert main(["--db", str(db_path), *args]) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and len(err.strip().splitlines()) == 1, err
    assert re.search(r"[\u4e00-\u9fff]", err)
    assert snapshot() == before
    return err


@pytest.mark.parametrize("case", CASES)
def test_a_damaged_workbook_is_one_chinese_line(db_path, tmp_path, capsys, case):
    member, change, words = CASES[case]
    path = damaged(tmp_path, "台账.xlsx", member, change)
    for extra in ([], ["--dry-run"]):
        assert words in refused(capsys, db_path, "import", "residents", str(path), *extra)


def test_a_date_cell_no_calendar_has_is_refused_naming_its_row_and_column(db_path, tmp_path, capsys):
    """The reader hands over the text the cell holds, so the row is refused where it is, not the whole file."""
    path = damaged(tmp_path, "台账.xlsx", *BAD_DATE)
    refused(capsys, db_path, "import", "residents", str(path), "--dry-run")
    before = snapshot()
    assert main(["--db", str(db_path), "import", "residents", str(path), "--dry-run"]) == 2
    out, _err = capsys.readouterr()
    assert "第2行" in out and "出生日期" in out and "“2025-13-45”不是有效的日期" in out
    assert snapshot() == before


def test_a_csv_field_over_the_csv_limit_is_one_chinese_line(db_path, tmp_path, capsys):
    path = tmp_path / "r.csv"
    path.write_text(f"姓名,身份证号,备注\n张三,{make_id()},\"{'很长' * 70_000}\"\n", encoding="utf-8")
    assert "第2行无法读取" in refused(capsys, db_path, "import", "residents", str(path))


def zip_bomb(tmp_path: Path) -> Path:
    """A valid ledger whose sheet XML carries 50 MB of rows that compress to next to nothing (a few
    hundred KB on disk), as a hostile file would, scaled down from the 1.5 GB one a tester made."""
    source = valid_xlsx(tmp_path / "valid.xlsx")
    out = tmp_path / "bomb.xlsx"
    row = b'<row><c t="inlineStr"><is><t>' + b"A" * 1000 + b"</t></is></c></row>"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == SHEET:
                data = data.replace(b"</sheetData>", row * 50_000 + b"</sheetData>")
            new.writestr(item.filename, data)
    assert out.stat().st_size < 1_000_000
    return out


def test_a_zip_bomb_is_refused_before_it_is_read_quickly_and_in_little_memory(db_path, tmp_path, capsys):
    """The archive's own directory says how large each part unpacks to: a part that shrank a hundredfold
    or more, or a file unpacking past the cap, is refused before calamine inflates a byte of it."""
    path = zip_bomb(tmp_path)
    tracemalloc.start()
    started = time.perf_counter()
    err = refused(capsys, db_path, "import", "residents", str(path), "--dry-run")
    took = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "压缩" in err and "bomb.xlsx" in err
    assert took < 1.0 and peak < 20_000_000, (took, peak)


def test_a_sheet_xml_cut_off_midway_names_the_sheet_and_row(db_path, tmp_path, capsys):
    """A cut inside the data: the rows before the cut were read, and the message says where it stopped."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "三月"
    workbook.active.append(["姓名", "身份证号"])
    for i in range(40):
        workbook.active.append([f"居民{i}", make_id(seq=f"{i:03d}")])
    workbook.save(tmp_path / "valid.xlsx")
    path = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(tmp_path / "valid.xlsx") as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            new.writestr(item, data[: data.index(b'<row r="30"') + 12] if item.filename == SHEET else data)
    err = refused(capsys, db_path, "import", "residents", str(path))
    assert "工作表“三月”第30行附近已损坏" in err


def test_import_into_a_read_only_database_file_is_one_chinese_line(db_path, request):
    """The folder stays writable (SQLite may create its journal there); only the file is read-only.

    root ignores file permissions, so as root the command runs without the capabilities that bypass
    them (setpriv drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH): still root, so it can reach the
    Python and the project wherever they are installed, but the read-only file is read-only to it.
    """
    # Under /tmp itself: pytest's own folders are private to the user running the tests.
    folder = Path(tempfile.mkdtemp(prefix="gridstation-readonly-"))
    request.addfinalizer(lambda: shutil.rmtree(folder, ignore_errors=True))
    dbmod.close_database()
    target = folder / "gridstation.db"
    shutil.copy(db_path, target)
    ledgers = {"residents": f"姓名,身份证号\n张三,{make_id()}\n",
               "intakes": f"受理日期,姓名,身份证号,业务类型,状态,办结日期,办理结果\n"
                          f"2024-01-05,李四,{make_id(seq='042')},失业登记,办结,2024-01-08,已发证\n"}
    for kind, text in ledgers.items():
        (folder / f"{kind}.csv").write_text(text, encoding="utf-8")
    target.chmod(0o444)
    folder.chmod(0o777)
    for ledger in folder.glob("*.csv"):
        ledger.chmod(0o644)
    before = target.read_bytes()
    for kind in ledgers:
        result = subprocess.run(
            [*WITHOUT_FILE_RIGHTS, sys.executable, "-m", "gridstation", "--db", str(target), "import", kind,
             str(folder / f"{kind}.csv")],
            capture_output=True, text=True, cwd=folder,
            env={**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(folder), "GRIDSTATION_DATA_DIR": str(folder)})
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip().splitlines() == [f"无法写入数据库文件：{target}。请检查文件权限或磁盘空间。"]
    assert target.read_bytes() == before
