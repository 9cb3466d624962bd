"""One building, however it is written: the key a resident's address and a building row compare."""

import pytest

from gridstation.core.rules.address_keys import address_key, building_key, chinese_number, room_key, unit_key


@pytest.mark.parametrize("written", ["3栋", "3号楼", "三栋", "3幢", "３栋", "03栋", " 3 栋", "3", "3号", "3座"])
def test_every_way_of_writing_building_3_is_one_key(written):
    assert building_key(written) == "3"


@pytest.mark.parametrize(("text", "number"), [("三", 3), ("十", 10), ("十二", 12), ("二十", 20), ("二十一", 21),
                                              ("一百零五", 105), ("一零五", 105), ("两", 2), ("甲", None), ("", None)])
def test_chinese_numerals(text, number):
    assert chinese_number(text) == number


def test_units_rooms_and_letters():
    assert unit_key("1单元") == unit_key("一单元") == unit_key("１") == "1"
    assert room_key("302室") == room_key("３０２") == "302"
    assert building_key("A座") == building_key("ａ座") == "A"
    assert building_key("12号楼") == building_key("十二栋") == "12"
    assert building_key("") == "" and unit_key("") == ""


def test_the_address_key_joins_compound_and_building_and_is_empty_without_a_building():
    assert address_key("阳光 小区", "三号楼") == address_key("阳光小区", "3栋") == "阳光小区/3"
    assert address_key("阳光小区", "") == ""
    assert address_key("阳光小区", "3栋") != address_key("月光小区", "3栋")
    assert address_key("A/B", "1") == "AB/1"  # the separator cannot come from the text
