"""``import --column 列=字段``: a column no alias knows is pointed at a field, the dry run says how each
column was mapped, and the station's next ledger of the kind finds the column by itself."""

from __future__ import annotations

import openpyxl

from gridstation.cli import main
from gridstation.core.ledgers import column_choices
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from tests.helpers import make_id, snapshot

ZHANG, LI = make_id("110101", "19900307", "771"), make_id("110105", "19650812", "042")


def residents_ledger(path, rows):
    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名", "居民证号", "手机号", "住在哪个小区"])
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def cli(site_db: str, *args: str) -> int:
    return main(["--db", site_db, *args])


def test_column_points_an_unknown_column_at_a_field_and_the_station_remembers(site_db, admin, tmp_path, capsys):
    first = residents_ledger(tmp_path / "一组.xlsx", [["张三", ZHANG, "13812345678", "星天地"]])
    assert cli(site_db, "import", "residents", str(first), "--dry-run") == 2  # 身份证号 has no column
    assert "没有“身份证号”列" in capsys.readouterr().err

    assert cli(site_db, "import", "residents", str(first), "--dry-run", "--column", "居民证号=身份证号码",
               "--column", "住在哪个小区=小区") == 0
    out = capsys.readouterr().out
    assert "  “居民证号”列 → 身份证号（本次指定）\n  “手机号”列 → 联系电话\n  “住在哪个小区”列 → 小区（本次指定）\n" in out
    assert settings.get(column_choices.setting_key("residents")) is None  # a dry run remembers nothing

    assert cli(site_db, "import", "residents", str(first), "--column", "居民证号=身份证号",
               "--column", "住在哪个小区=小区") == 0
    assert m.Resident.get(m.Resident.doc_number == ZHANG).compound == "星天地"
    assert settings.get(column_choices.setting_key("residents")) == {"居民证号": "doc_number", "住在哪个小区": "compound"}
    assert m.AuditLog.select().where(m.AuditLog.action == "记住列的对应").count() == 1
    capsys.readouterr()

    second = residents_ledger(tmp_path / "二组.xlsx", [["李四", LI, "", "星体花园"]])
    assert cli(site_db, "import", "residents", str(second), "--dry-run") == 0
    assert "“居民证号”列 → 身份证号（上次导入时指定）" in capsys.readouterr().out
    assert cli(site_db, "import", "residents", str(second)) == 0
    assert m.Resident.get(m.Resident.doc_number == LI).compound == "星体花园"


def test_a_bad_column_choice_is_one_line_and_changes_nothing(site_db, admin, tmp_path, capsys):
    path = residents_ledger(tmp_path / "台账.xlsx", [["张三", ZHANG, "13812345678", "星天地"]])
    before = snapshot()
    for choice, words in (("居民证号", "--column 应写作 列=字段"), ("证号=身份证号", "文件中没有“证号”列"),
                          ("居民证号=护照", "居民台账没有“护照”这一项，可选：姓名、身份证号")):
        assert cli(site_db, "import", "residents", str(path), "--column", choice) == 2
        err = capsys.readouterr().err.strip()
        assert words in err and "\n" not in err and "Traceback" not in err
    assert snapshot() == before


def test_a_column_chosen_for_one_sheet_keeps_the_other_sheets_own_column_and_the_dry_run_says_where(
        site_db, admin, tmp_path, capsys):
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "一组"
    for row in (["序号", "姓名", "身份证号", "联系电话"], [1, "张三", ZHANG, "13812345678"]):
        first.append(row)
    second = workbook.create_sheet("二组")
    for row in (["姓名", "身份证号", "本人电话", "住在哪个小区"], ["李四", LI, "13912345678", "星体花园"]):
        second.append(row)
    path = tmp_path / "两组.xlsx"
    workbook.save(path)
    assert cli(site_db, "import", "residents", str(path), "--dry-run", "--column", "本人电话=联系电话") == 0
    out = capsys.readouterr().out
    assert "  “联系电话”列 → 联系电话（工作表“一组”）\n  “本人电话”列 → 联系电话（工作表“二组”；本次指定）\n" in out
    assert "  未导入的列：工作表“一组”的“序号”；工作表“二组”的“住在哪个小区”\n" in out
    assert cli(site_db, "import", "residents", str(path), "--column", "本人电话=联系电话") == 0
    assert {r.name: r.phone for r in m.Resident.select()} == {"张三": "13812345678", "李四": "13912345678"}
