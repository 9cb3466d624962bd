import pytest

from gridstation.core.intake import residents
from gridstation.core.rules.errors import DomainError
from tests.helpers import make_id, snapshot

pytestmark = pytest.mark.both_backends


def register(actor, name="张三", number=None, phone="13812345678", **kw):
    return residents.save_resident(actor, residents.ResidentInput(name=name, doc_number=number or make_id(), phone=phone, **kw))


def test_register_fills_birth_date_and_gender_from_the_id(admin):
    r = register(admin, number=make_id("530111", "19750412", "024"), compound="星天地", building="3", unit="2", room="101")
    assert str(r.birth_date) == "1975-04-12" and r.gender == "女"
    assert residents.address(r) == "星天地3栋2单元101室"


@pytest.mark.parametrize(("building", "unit", "room", "shown"), [
    ("3栋", "2单元", "301室", "阳光小区3栋2单元301室"), ("3号楼", "二单元", "301", "阳光小区3号楼二单元301室"),
    ("三栋", "", "", "阳光小区三栋"), ("A座", "1门", "1202号", "阳光小区A座1门1202号"), ("5", "", "", "阳光小区5栋")])
def test_an_address_part_already_ending_in_its_word_is_shown_as_written(admin, building, unit, room, shown):
    r = register(admin, compound="阳光小区", building=building, unit=unit, room=room)
    assert residents.address(r) == shown


@pytest.mark.parametrize("query", ["zs", "zhangsan", "张三", "张", "13812345678", "5678", "7117"])
def test_one_box_finds_by_every_key(admin, query):
    r = register(admin, number="110101199003077117")
    register(admin, name="李四", number=make_id("110102", "19600101", "013"), phone="13900001111")
    assert [x.id for x in residents.search(query)] == [r.id]


def test_a_landline_is_stored_and_shown_with_its_dash_and_found_by_its_digits(admin):
    r = register(admin, number="110101199003077117", phone="087165123999")
    assert r.phone == "0871-65123999"
    for query in ("087165123999", "0871-65123999", "08716512", "3999"):
        assert [x.id for x in residents.search(query)] == [r.id], query


def test_full_id_and_last_six_digits(admin):
    r = register(admin, number="110101199003077117")
    assert residents.search("110101199003077117")[0].id == r.id
    assert residents.search("077117")[0].id == r.id


def test_more_matches_than_shown_gives_the_closest_keys_first(admin):
    """60 residents share the initial l: the 50 shown are the same on every database, closest keys first."""
    from gridstation.core.rules.pinyin_keys import name_keys

    given = "安白春丹二方刚海华建军凯兰丽敏娜平琪强蓉山涛伟霞秀勇云志中博超德芳国红杰静俊磊玲梅明宁鹏琴荣淑婷文欣雪燕阳英玉珍桂松林波"
    people = [register(admin, name=f"李{c}", number=make_id(seq=f"{100 + i:03d}"), phone="") for i, c in enumerate(given[:60])]
    closest = sorted(people, key=lambda r: (min(k for k in name_keys(r.name) if k.startswith("l")), r.id))
    assert len(people) == 60
    assert {r.id for r in residents.search("l")} == {r.id for r in closest[:50]}


def test_initials_list_the_exact_match_first(admin):
    """``xg``: 谢刚's initials are exactly xg; 于国睿 matches only by 于's second reading (xgr). The list
    follows the keys, not the characters' code points (于 U+4E8E would come before 谢 U+8C22)."""
    yu = register(admin, name="于国睿", number=make_id(seq="201"), phone="")
    xie = register(admin, name="谢刚", number=make_id(seq="202"), phone="")
    assert [r.id for r in residents.search("xg")] == [xie.id, yu.id]


@pytest.mark.parametrize("name, queries", [("曾小明", ["zxm", "cxm", "zengxiaoming"]), ("单田芳", ["stf", "dtf", "shantianfang"])])
def test_surnames_with_two_readings_are_found_by_both(admin, name, queries):
    r = register(admin, name=name)
    for q in queries:
        assert [x.id for x in residents.search(q)] == [r.id], q


def test_search_uses_indexes_not_full_scans(admin):
    from gridstation.core.storage import db as dbmod

    register(admin)
    database = dbmod.current()
    if dbmod.is_sqlite(database):
        plan = " ".join(str(row) for row in database.execute_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM resident WHERE doc_rev >= ? AND doc_rev < ?", ("7177", "7178")).fetchall())
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan
        return
    with database.atomic():  # one row: PostgreSQL would rightly scan it; ask whether the index can serve the range
        database.execute_sql("SET LOCAL enable_seqscan = off")
        plan = " ".join(str(row) for row in database.execute_sql(
            "EXPLAIN SELECT id FROM resident WHERE doc_rev >= %s AND doc_rev < %s", ("7177", "7178")).fetchall())
    assert "Index" in plan and "Seq Scan" not in plan


@pytest.mark.parametrize("kwargs, words", [
    ({"number": "110101199003077710"}, "校验位错误"),
    ({"number": "11010119900307771"}, "应为18位"),
    ({"number": make_id("110101", "19900231")}, "不存在"),
    ({"phone": "1381234567"}, "联系电话"),
    ({"name": "  "}, "请输入姓名"),
])
def test_bad_input_is_refused_and_nothing_is_stored(admin, kwargs, words):
    before = snapshot()
    with pytest.raises(DomainError) as err:
        register(admin, **kwargs)
    assert words in err.value.message
    assert snapshot() == before


def test_duplicate_document_number_names_the_existing_resident(admin):
    register(admin, number="110101199003077117")
    before = snapshot()
    with pytest.raises(DomainError, match="已登记为居民“张三”"):
        register(admin, name="张三丰", number="110101199003077117", phone="13900000000")
    assert snapshot() == before


def test_edit_keeps_one_resident_and_updates_keys(admin):
    r = register(admin)
    residents.save_resident(admin, residents.ResidentInput(name="王五", doc_number=r.doc_number, phone="13812345678"), r.id)
    assert residents.search("ww")[0].id == r.id
    assert residents.search("zs") == []
