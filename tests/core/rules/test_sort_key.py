"""The one Chinese order: pinyin for names, numbers by value for numbered grids, buildings and units."""

from __future__ import annotations

from gridstation.core.evaluation.figures import RatingTally
from gridstation.core.events.figures import EventTally
from gridstation.core.grids import register
from gridstation.core.grids.register import GridInput
from gridstation.core.intake import residents
from gridstation.core.rules.pinyin_keys import sort_key
from gridstation.core.statistics.event_tables import BREAKDOWN
from gridstation.core.statistics.rating_tables import MEASURES
from gridstation.core.statistics.stats_tables import breakdown
from tests.helpers import make_id

GRIDS = ["第一网格", "第七网格", "第三网格", "第九网格", "第十网格", "第十二网格", "第二网格", "第11网格"]


def test_numbered_names_in_numeric_order():
    assert sorted(GRIDS, key=sort_key) == ["第一网格", "第二网格", "第三网格", "第七网格", "第九网格", "第十网格",
                                           "第11网格", "第十二网格"]
    assert sorted(["12号楼", "1号楼", "2号楼", "三号楼", "一百零五号楼"], key=sort_key) == [
        "1号楼", "2号楼", "三号楼", "12号楼", "一百零五号楼"]


def test_numerals_inside_a_name_stay_syllables():
    """王一博 is not a number: it sorts by wang-yi-bo among other names, and 李 still comes before 梁."""
    assert sorted(["张三", "王一博", "李四", "梁平", "三元里"], key=sort_key) == ["李四", "梁平", "三元里", "王一博", "张三"]


def test_grid_choices_and_the_breakdown_tables_use_it(site_db, admin):
    for seq, name in enumerate(GRIDS, start=100):
        register.add_grid(admin, GridInput(name=name))  # the resident's grid box chooses, it no longer creates
        residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id(seq=str(seq)), grid=name))
    expected = sorted(GRIDS, key=sort_key)
    assert [name for name, _ in residents.grid_choices()] == expected
    events = breakdown({g: EventTally() for g in GRIDS}, EventTally(), BREAKDOWN, "k", "t", "网格")
    assert [row[0] for row in events.rows[:-1]] == expected
    ratings = breakdown({g: RatingTally() for g in GRIDS}, RatingTally(), MEASURES, "k", "t", "人员")
    assert [row[0] for row in ratings.rows[:-1]] == expected
