"""Files the command line must refuse before it reads or writes them, and a run's problem list kept readable.

A skipped-rows report named like the ledger being imported overwrote the ledger; a stock-take of
/dev/zero grew by 250 MB a second and of a named pipe never ended; a PDF could be written under an
.xlsx name; and a ledger of a million bad rows printed a million lines.
"""

from __future__ import annotations

import hashlib
import os

import openpyxl

from gridstation.cli import main
from gridstation.core.storage import models as m
from tests.helpers import make_id, snapshot


def refused(capsys, db_path, *args: str) -> str:
    before = snapshot()
    assert main(["--db", str(db_path), *args]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert snapshot() == before
    return err


def test_a_dry_run_lists_the_first_200_problems_then_counts_the_other_rows(db_path, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("姓名,身份证号,联系电话\n" + "".join(f"居民{i},{make_id(seq=f'{i:03d}')},123\n" for i in range(250)),
                    encoding="utf-8")
    assert main(["--db", str(db_path), "import", "residents", str(path), "--dry-run"]) == 2
    out = capsys.readouterr().out.splitlines()
    assert sum(line.startswith("第") and "“联系电话”列" in line for line in out) == 200
    assert "另有 50 行有问题，未逐一列出。" in out


def test_a_skipped_report_named_like_the_ledger_is_refused_before_anything_is_written(db_path, tmp_path, capsys):
    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名", "身份证号"])
    workbook.active.append(["张三", make_id()])
    workbook.active.append(["李四", "12345"])
    ledger = tmp_path / "花名册.xlsx"
    workbook.save(ledger)
    os.symlink(ledger, tmp_path / "同一个.xlsx")
    digest = hashlib.md5(ledger.read_bytes()).hexdigest()
    for report in (ledger, tmp_path / "同一个.xlsx", tmp_path / "." / "花名册.xlsx"):
        err = refused(capsys, db_path, "import", "residents", str(ledger), "--valid-only", "--skipped-report", str(report))
        assert "就是要导入的文件" in err
    assert hashlib.md5(ledger.read_bytes()).hexdigest() == digest and m.Resident.select().count() == 0


def test_a_folder_given_as_the_ledger_is_said_to_be_a_folder(db_path, tmp_path, capsys):
    assert "不是普通文件" in refused(capsys, db_path, "import", "residents", str(tmp_path))


def test_stocktake_refuses_a_device_a_pipe_and_an_oversized_file_at_once(db_path, tmp_path, capsys):
    pipe = tmp_path / "scans.txt"
    os.mkfifo(pipe)
    for source in ("/dev/zero", str(pipe)):
        assert "不是普通文件" in refused(capsys, db_path, "tools", "stocktake", source)
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(6 * 2**20)
    assert "不像扫描枪导出的编号清单" in refused(capsys, db_path, "tools", "stocktake", str(big))
    assert m.StockTake.select().count() == 0


def test_stocktake_refuses_a_pdf_named_otherwise(db_path, tmp_path, capsys):
    scans = tmp_path / "scans.txt"
    scans.write_text("GJ-0001\n", encoding="utf-8")
    assert "应以 .pdf 结尾" in refused(capsys, db_path, "tools", "stocktake", str(scans), "--pdf", str(tmp_path / "st.xlsx"))
    assert not (tmp_path / "st.xlsx").exists()


def test_a_file_without_a_header_is_named_with_a_space_as_every_message_names_a_file(db_path, tmp_path, capsys):
    path = tmp_path / "无表头.csv"
    path.write_text("甲,乙\n1,2\n", encoding="utf-8")
    assert "无表头.csv 的前10行中找不到表头" in refused(capsys, db_path, "import", "residents", str(path))


def test_update_existing_is_refused_for_a_ledger_it_does_nothing_for(db_path, tmp_path, capsys):
    path = tmp_path / "工具.csv"
    path.write_text("资产编号,工具名称\nGJ-0001,电钻\n", encoding="utf-8")
    assert "只用于居民台账" in refused(capsys, db_path, "import", "tools", str(path), "--update-existing")
