"""gridstation events add / list / show: one Chinese line and exit 2 on bad input, nothing stored."""

from __future__ import annotations

from gridstation.cli import main
from gridstation.core.grids import register
from gridstation.core.grids.register import GridInput
from gridstation.core.storage import models as m
from tests.helpers import snapshot


def test_add_list_and_show(db_path, capsys):
    m.Grid.create(name="第一网格")
    assert main(["--db", str(db_path), "events", "add", "--category", "民生诉求", "--source", "居民反映",
                 "--description", "楼道灯坏了", "--grid", "第一网格", "--reporter", "张三",
                 "--reporter-phone", "13812345678"]) == 0
    number = m.GridEvent.get().number
    assert f"已登记网格事件 {number}" in capsys.readouterr().out
    assert main(["--db", str(db_path), "events", "list"]) == 0
    out = capsys.readouterr().out
    assert number in out and "张三 138****5678" in out and "13812345678" not in out and "共列出 1 件" in out
    assert main(["--db", str(db_path), "events", "show", number.lower()]) == 0
    assert "登记\t系统\t居民反映：楼道灯坏了" in capsys.readouterr().out


def test_bad_input_is_one_chinese_line_and_exit_2(db_path, capsys):
    before = snapshot()
    for argv, message in (
        (["events", "add", "--category", "养狗", "--description", "x"], "没有“养狗”这个事件类别"),
        (["events", "add", "--category", "其他", "--description", "x", "--grid", "无此网格"], "没有名称或编号为“无此网格”的网格"),
        (["events", "add", "--category", "其他", "--description", "x", "--source", "居民反映"], "请填写反映人"),
        (["events", "show", "SJ209901010001"], "找不到编号为“SJ209901010001”的网格事件"),
        (["events", "list", "--limit", "0"], "--limit 应为正整数"),
    ):
        assert main(["--db", str(db_path), *argv]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert snapshot() == before


def test_the_grid_is_found_by_code_or_a_unique_name_and_a_shared_name_lists_the_codes(db_path, capsys):
    """Grid names repeat under different parents: --grid takes the code, or a name only one grid has."""
    for name, parent, level in (("东区", "", "三级"), ("西区", "", "三级"), ("第一网格", "东区", "四级"),
                                ("第一网格", "西区", "四级")):
        register.add_grid(None, GridInput(name=name, parent=parent, level=level))
    west_first = m.Grid.get((m.Grid.name == "第一网格") & (m.Grid.parent == m.Grid.get(m.Grid.name == "西区")))
    before = snapshot()
    assert main(["--db", str(db_path), "events", "add", "--category", "其他", "--description", "x",
                 "--grid", "第一网格"]) == 2
    err = capsys.readouterr().err
    assert "有2个网格都叫“第一网格”" in err and west_first.code in err and err.count("\n") == 1
    assert snapshot() == before
    assert main(["--db", str(db_path), "events", "add", "--category", "其他", "--description", "x",
                 "--grid", west_first.code]) == 0
    assert main(["--db", str(db_path), "events", "add", "--category", "其他", "--description", "y",
                 "--grid", "东区"]) == 0
    assert [e.grid.name for e in m.GridEvent.select().order_by(m.GridEvent.id)] == ["第一网格", "东区"]
    assert m.GridEvent.get(m.GridEvent.description == "x").grid_id == west_first.id
    capsys.readouterr()
    assert main(["--db", str(db_path), "events", "list", "--grid", west_first.code]) == 0
    assert "共列出 1 件" in capsys.readouterr().out


def test_a_place_naming_a_registered_building_places_the_event_in_its_grid(db_path, capsys):
    """As the dialog suggests it: 星天地1号楼 (or 一栋) lies in 第1微网格, whose 网格长 handles it."""
    from gridstation.core.grids import people, places
    from gridstation.core.grids.people import PersonInput, RoleInput

    micro = register.add_grid(None, GridInput(name="第1微网格", level="五级"))
    places.add_building(None, places.BuildingInput("星天地", "1栋", micro.code))
    lv = people.add_person(None, PersonInput("吕娟"))
    people.assign_role(None, lv.id, RoleInput("网格长", grid=micro.code))
    assert main(["--db", str(db_path), "events", "add", "--category", "环境卫生", "--description", "x",
                 "--place", "星天地一号楼"]) == 0
    event = m.GridEvent.get()
    assert (event.grid_id, event.assigned_to_id) == (micro.id, lv.id)
    assert "网格：第1微网格" in capsys.readouterr().out
    assert main(["--db", str(db_path), "events", "show", event.number]) == 0
    assert "网格：第1微网格　地点：星天地一号楼　经办人：吕娟" in capsys.readouterr().out
