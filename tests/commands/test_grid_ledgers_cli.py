"""gridstation template|import|export grids|gridpeople: the dry run prints what it would make, a bad ledger is
one Chinese line with exit 2 and nothing stored, and an export imports back into a new station."""

from __future__ import annotations

import openpyxl
import pytest

from gridstation.cli import main
from gridstation.core.grids import register
from gridstation.core.storage import models as m
from tests.core.ledgers.test_grid_ledgers import station_grid_ledger, station_people_ledger, workbook
from tests.helpers import snapshot


def cli(site_db: str, *args: str) -> int:
    return main(["--db", site_db, *args])


def test_template_import_and_export_of_both_register_ledgers(site_db, admin, tmp_path, capsys):
    for kind, title in (("grids", "网格划分台账"), ("gridpeople", "网格力量台账")):
        out = tmp_path / f"{kind}-模板.xlsx"
        assert cli(site_db, "template", kind, "--out", str(out)) == 0
        assert openpyxl.load_workbook(out).worksheets[0].title == title

    grids = station_grid_ledger(tmp_path)
    before = snapshot()
    assert cli(site_db, "import", "grids", str(grids), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "将新增网格2个：第一网格、第二网格\n将新增楼栋3个：星天地3号楼、星天地5号楼、阳光小区1栋\n" in out
    assert "“楼号”列 → 楼栋" in out and snapshot() == before
    assert cli(site_db, "import", "grids", str(grids)) == 0
    assert "已导入网格划分台账" in capsys.readouterr().out

    roster = station_people_ledger(tmp_path)
    assert cli(site_db, "import", "gridpeople", str(roster), "--column", "职务名称=角色", "--dry-run") == 2
    said = capsys.readouterr()  # 张三 is no resident yet: the row is named, the others would make 3 people
    assert "工作表“Sheet1”第5行“身份证号”列：证件号码 110101********7715 的居民尚未登记" in said.out
    assert "将新增人员3个：王网格、管理员、赵调解" in said.out and "1 行有问题" in said.err
    assert cli(site_db, "import", "gridpeople", str(roster), "--column", "职务名称=角色", "--valid-only",
               "--skipped-report", str(tmp_path / "skipped.xlsx")) == 0
    assert m.Person.select().count() == 3

    capsys.readouterr()
    for kind, said in (("grids", "已导出网格划分表 5 行："),
                       ("gridpeople", "已导出网格力量花名册 4 行（完整电话号码和身份证号，已记入操作日志）：")):
        out = tmp_path / f"{kind}.xlsx"
        assert cli(site_db, "export", kind, "--out", str(out), "--full-id") == 0
        assert capsys.readouterr().out.startswith(said)


@pytest.mark.parametrize(("rows", "words"), [
    ([["网格名称", "上级网格"], ["甲网格", "乙网格"], ["乙网格", "甲网格"]], "上级网格形成循环：甲网格→乙网格→甲网格"),
    ([["网格名称", "网格编码"], ["甲网格", "WG 1"]], "网格编号只能由字母、数字"),
])
def test_a_bad_grid_ledger_is_one_line_exit_2_and_nothing_stored(site_db, admin, tmp_path, capsys, rows, words):
    path = workbook(tmp_path / "bad.xlsx", {"网格": rows})
    before = snapshot()
    assert cli(site_db, "import", "grids", str(path)) == 2
    said = capsys.readouterr()
    assert words in said.out + said.err and "Traceback" not in said.err
    assert snapshot() == before and not register.grid_choices()


def test_help_names_both_kinds_in_chinese(capsys):
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    out = capsys.readouterr().out
    assert "grids 网格划分表" in out and "gridpeople 网格力量花名册" in out
