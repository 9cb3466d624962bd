"""gridstation grids list | board | table: the tree in Chinese, the two documents written and audited as
prints, and each bad input refused in one Chinese line, exit 2, with no file and no audit entry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gridstation.cli import main
from gridstation.core.grids import register
from gridstation.core.storage import models as m
from tests.conftest import pdf_text
from tests.reports.test_grid_documents import HIDDEN_PHONES, grid_station


def cli(db: Path, *args: str) -> int:
    return main(["--db", str(db), *args])


def printed() -> list[tuple[str, str]]:
    return [(a.action, a.entity_id) for a in m.AuditLog.select().where(m.AuditLog.action.startswith("打印"))]


def test_list_shows_the_tree_with_codes_levels_kinds_and_counts(db_path, admin, capsys):
    made = grid_station(admin)
    assert cli(db_path, "grids", "list") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "编号\t网格\t层级\t类型\t楼栋数\t人员数"
    assert f"{made['east'].code}\t东片\t三级\t综合网格\t0\t3" in out
    assert f"{made['first'].code}\t　第一网格\t四级\t综合网格\t2\t5" in out  # indented under 东片
    assert out[-1] == "共 5 个网格。"


def test_board_and_table_are_written_and_audited_as_prints(db_path, admin, tmp_path, capsys):
    made = grid_station(admin)
    first = made["first"].code
    for size in ("A4", "A5"):
        out = tmp_path / f"board-{size}.pdf"
        assert cli(db_path, "grids", "board", "--grid", first.lower(), "--building", "阳光小区三号楼",
                   "--unit", "2", "--size", size, "--out", str(out)) == 0, capsys.readouterr().err
        assert f"已生成网格员公示牌（第一网格（{first}）阳光小区3号楼2单元）" in capsys.readouterr().out
        flat = re.sub(r"\s+", "", pdf_text(out))
        assert "孙单元" in flat and "13500002222" in flat and not any(p in flat for p in HIDDEN_PHONES)
    assert cli(db_path, "grids", "board", "--grid", "第二网格", "--out", str(tmp_path / "empty.pdf")) == 0
    assert "王警官" in pdf_text(tmp_path / "empty.pdf")  # the 民警 of the grid above serves it too
    table = tmp_path / "table.pdf"
    assert cli(db_path, "grids", "table", "--out", str(table)) == 0
    assert "已生成网格责任分布表（5个网格）" in capsys.readouterr().out
    flat = re.sub(r"\s+", "", pdf_text(table))
    assert "网格责任分布表" in flat and not any(p in flat for p in HIDDEN_PHONES)
    assert printed() == [("打印网格员公示牌", first)] * 2 + [("打印网格员公示牌", register.find_grid("第二网格").code),
                                                             ("打印网格责任分布表", "全部")]


@pytest.mark.parametrize(("args", "words"), [
    (["--grid", "第一网格"], "有2个网格都叫“第一网格”"),
    (["--grid", "第九网格"], "没有名称或编号为“第九网格”的网格"),
    (["--grid", "WG002", "--building", "9号楼"], "楼栋“9号楼”不在网格“第一网格（WG002）”中"),
    (["--grid", "第二网格", "--building", "阳光小区3号楼"], "不在网格“第二网格"),
    (["--grid", "WG002", "--unit", "2单元"], "指定单元时请同时指定楼栋"),
    (["--grid", "WG002", "--building", "3号楼", "--unit", "7单元"], "没有登记“7单元”"),
    (["--grid", "第一\x1b[31m网格"], "控制字符"),
])
def test_bad_board_input_is_one_chinese_line_exit_2_and_no_file(db_path, admin, tmp_path, capsys, args, words):
    grid_station(admin)
    before = printed()
    assert cli(db_path, "grids", "board", *args, "--out", str(tmp_path / "board.pdf")) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert [p.name for p in tmp_path.iterdir() if "board" in p.name] == []  # nor a hidden partial file
    assert printed() == before


def test_a_paper_size_not_offered_is_refused_by_the_parser(db_path, tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        cli(db_path, "grids", "board", "--grid", "WG002", "--size", "B5", "--out", str(tmp_path / "b.pdf"))
    assert exited.value.code == 2 and "“B5”不是可选的值" in capsys.readouterr().err


def test_an_out_file_in_a_missing_folder_is_refused_before_any_work(db_path, admin, tmp_path, capsys):
    grid_station(admin)
    missing = tmp_path / "nowhere" / "x.pdf"
    for args in (["board", "--grid", "WG002"], ["table"]):
        assert cli(db_path, "grids", *args, "--out", str(missing)) == 2
        err = capsys.readouterr().err.strip()
        assert "输出文件夹不存在" in err and len(err.splitlines()) == 1, err
    assert not missing.parent.exists() and printed() == []


def test_an_out_that_is_a_pipe_a_device_or_not_a_pdf_is_refused_and_left_as_it_was(db_path, admin, tmp_path, capsys):
    """A rename over /dev/null (as root), a pipe or a link to a device would replace it with a plain file."""
    import os

    grid_station(admin)
    pipe = tmp_path / "pipe.pdf"
    os.mkfifo(pipe)
    device = tmp_path / "null.pdf"
    device.symlink_to(os.devnull)
    for out, words in ((pipe, "不是普通文件"), (device, "不是普通文件"), (tmp_path / "board.txt", "应以 .pdf 结尾"),
                       (tmp_path / "a\nb.pdf", "控制字符"), (tmp_path / ("长" * 90 + ".pdf"), "文件名过长")):
        assert cli(db_path, "grids", "board", "--grid", "WG002", "--out", str(out)) == 2
        err = capsys.readouterr().err.strip()
        assert words in err and len(err.splitlines()) == 1, err
    assert not pipe.is_file() and device.is_symlink() and Path(os.devnull).is_char_device()
    assert not list(tmp_path.glob("*.txt")) and not list(tmp_path.glob("长*")) and not list(tmp_path.glob("a*"))
    assert printed() == []


def test_a_reader_closing_the_pipe_early_is_not_a_fault(db_path, admin):
    """`gridstation grids list | head -1`: the rest has nowhere to go; exit quietly, nothing for the maintainer."""
    import subprocess
    import sys

    from gridstation.core.storage import db as dbmod

    with dbmod.write_transaction():  # more lines than a pipe holds (64 KiB), so the writer meets the closed end
        m.Grid.insert_many([{"name": f"第{n}号网格" + "东" * 20, "code": f"WG{n:05d}", "level": "四级"}
                            for n in range(1, 3001)]).execute()
    child = subprocess.Popen([sys.executable, "-m", "gridstation", "--db", str(db_path), "grids", "list"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout.readline()
    child.stdout.close()
    err = child.stderr.read().decode()
    assert child.wait(timeout=120) == 0 and "意外错误" not in err and "Traceback" not in err, err


def test_a_board_printed_without_a_supervision_phone_says_where_to_set_it(db_path, admin, tmp_path, capsys):
    from gridstation.core.station import station

    made = grid_station(admin)
    assert cli(db_path, "grids", "board", "--grid", made["first"].code, "--out", str(tmp_path / "a.pdf")) == 0
    assert "监督电话" not in capsys.readouterr().err  # the station's phone stands in
    station.update_settings(admin, {"station_phone": "", "supervision_phone": ""})
    assert cli(db_path, "grids", "board", "--grid", made["first"].code, "--out", str(tmp_path / "b.pdf")) == 0
    assert "设置 → 服务站" in capsys.readouterr().err
