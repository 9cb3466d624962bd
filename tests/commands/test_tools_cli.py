"""`gridstation tools ...`: the overdue list and a stock-take from a scanner's file."""

from __future__ import annotations

import datetime as dt

from gridstation.cli import main
from gridstation.core.intake import residents
from gridstation.core.rules import clock
from gridstation.core.storage import models as m
from gridstation.core.toolbox import lending, tool_units
from tests.conftest import pdf_text
from tests.helpers import make_id


def test_tools_overdue_lists_masked_phones(db_path, admin, capsys):
    kind = tool_units.save_kind(admin, tool_units.KindInput("梯子", loan_days=3))
    tool_units.add_units(admin, kind.id, 1)
    zhang = residents.save_resident(admin, residents.ResidentInput("张三", make_id(), phone="13800138000"))
    lent = dt.datetime.combine(clock.today() - dt.timedelta(days=9), dt.time(9))
    loan = lending.lend(admin, zhang.id, ["GJ-0001"], lent_at=lent, due_date=lent.date() + dt.timedelta(days=3))
    assert main(["--db", str(db_path), "tools", "overdue"]) == 0
    out = capsys.readouterr().out
    assert f"{loan.slip_no}\t张三\t138****8000\t梯子 GJ-0001" in out and "\t6\t0" in out
    assert "13800138000" not in out and "共 1 张借用单逾期未还" in out


def test_tools_stocktake_from_a_file(db_path, admin, tmp_path, capsys):
    kind = tool_units.save_kind(admin, tool_units.KindInput("电钻"))
    tool_units.add_units(admin, kind.id, 2)
    scans = tmp_path / "scans.txt"
    scans.write_text("GJ-0001\nXQ-2023-001\n", encoding="utf-8")
    assert main(["--db", str(db_path), "tools", "stocktake", str(scans)]) == 0
    out = capsys.readouterr().out
    assert "应在架但未扫到（1）：GJ-0002" in out and "非本站编号格式（1）：XQ-2023-001" in out
    assert m.StockTake.select().count() == 1


def test_tools_stocktake_writes_the_result_pdf(db_path, admin, tmp_path, capsys):
    kind = tool_units.save_kind(admin, tool_units.KindInput("电钻"))
    tool_units.add_units(admin, kind.id, 2)
    scans = tmp_path / "scans.txt"
    scans.write_text("GJ-0001\nXQ-2023-001\n", encoding="utf-8")
    out = tmp_path / "st.pdf"
    assert main(["--db", str(db_path), "tools", "stocktake", str(scans), "--pdf", str(out)]) == 0
    assert f"已生成盘点结果：{out}" in capsys.readouterr().out
    flat = "".join(pdf_text(out).split())
    assert "工具盘点结果" in flat and "1GJ-0002电钻应在架" in flat and "XQ-2023-001" in flat
    # A PDF that cannot be written is refused before the stock-take is saved.
    assert main(["--db", str(db_path), "tools", "stocktake", str(scans), "--pdf", str(tmp_path / "no" / "x.pdf")]) == 2
    assert "输出文件夹不存在" in capsys.readouterr().err
    assert m.StockTake.select().count() == 1


def test_tools_stocktake_refuses_a_missing_or_empty_file(db_path, tmp_path, capsys):
    assert main(["--db", str(db_path), "tools", "stocktake", str(tmp_path / "none.txt")]) == 2
    assert "找不到文件" in capsys.readouterr().err
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    assert main(["--db", str(db_path), "tools", "stocktake", str(empty)]) == 2
    assert "还没有扫描任何资产编号" in capsys.readouterr().err
    assert m.StockTake.select().count() == 0


def test_tools_stocktake_refuses_a_file_without_a_code_of_this_station_and_never_echoes_it(db_path, admin, tmp_path,
                                                                                            capsys):
    """Any text file (a password file, a letter) is not a scan list: one Chinese line, exit 2, nothing saved,
    and not a word of the file's content on the screen."""
    kind = tool_units.save_kind(admin, tool_units.KindInput("电钻"))
    tool_units.add_units(admin, kind.id, 2)
    secret = tmp_path / "shadow"
    secret.write_text("root:*:20228:0:99999:7:::\ndaemon:*:20228:0:99999:7:::\n", encoding="utf-8")
    assert main(["--db", str(db_path), "tools", "stocktake", str(secret)]) == 2
    out, err = capsys.readouterr()
    assert len(err.strip().splitlines()) == 1 and "没有本站的资产编号" in err and "盘点未保存" in err
    assert "ROOT" not in (out + err).upper()
    assert m.StockTake.select().count() == 0


def test_tools_stocktake_shows_only_a_short_filtered_sample_of_foreign_lines(db_path, admin, tmp_path, capsys):
    kind = tool_units.save_kind(admin, tool_units.KindInput("电钻"))
    tool_units.add_units(admin, kind.id, 1)
    scans = tmp_path / "scans.txt"
    scans.write_text("GJ-0001\n" + "".join(f"XQ-{i:04d}-{'X' * 60}\n" for i in range(30)), encoding="utf-8")
    assert main(["--db", str(db_path), "tools", "stocktake", str(scans)]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("非本站编号格式"))
    assert line.startswith("非本站编号格式（30）：XQ-0000-") and "等 30 个" in line and len(line) < 200
    assert "XQ-0005" not in line and "X" * 40 not in line
