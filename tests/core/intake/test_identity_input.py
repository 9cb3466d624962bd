"""ID numbers typed in full-width or other digits are one person; names refuse invisible characters
(issue 12, items 9 and 10)."""

from __future__ import annotations

import pytest

from gridstation.cli import main
from gridstation.core.intake import residents
from gridstation.core.rules import idcard
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import accounts, roles
from gridstation.core.storage import models as m
from tests.conftest import PASSWORD
from tests.helpers import make_id, snapshot

pytestmark = pytest.mark.both_backends

ASCII = make_id("110101", "19900307", "771")  # ends in a digit
WITH_X = "11010119900307053X"
FULL = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def person(number: str, name: str = "张三", phone: str = "") -> residents.ResidentInput:
    return residents.ResidentInput(name=name, doc_number=number, phone=phone)


def test_the_reproduction_full_width_digits_register_one_person_not_three(admin):
    """17 full-width digits + an ASCII check character, the all-ASCII number, the all-full-width one."""
    assert idcard.check_id(WITH_X).number == WITH_X
    mixed = WITH_X[:17].translate(FULL) + "X"
    kept = residents.save_resident(admin, person(mixed))
    assert kept.doc_number == WITH_X
    before = snapshot()
    for other in (WITH_X, WITH_X.translate(FULL), WITH_X.translate(FULL).lower()):
        with pytest.raises(DomainError, match="已登记为居民“张三”"):
            residents.save_resident(admin, person(other, name="张三丰"))
    assert snapshot() == before
    for typed in (WITH_X, mixed, WITH_X.translate(FULL), WITH_X[:8].translate(FULL)):
        assert [r.id for r in residents.search(typed)] == [kept.id], typed
        assert residents.find_by_document(WITH_X.translate(FULL)).id == kept.id


def test_other_decimal_digits_and_full_width_phones_are_the_same_numbers(admin):
    arabic_indic = ASCII[:17].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")) + ASCII[17]
    assert idcard.check_id(arabic_indic).number == ASCII
    r = residents.save_resident(admin, person(ASCII.translate(FULL), phone="１３８１２３４５６７８"))
    assert (r.doc_number, r.phone) == (ASCII, "13812345678")
    assert [x.id for x in residents.search("５６７８")] == [r.id]


def test_a_digit_that_is_not_decimal_is_still_refused():
    with pytest.raises(DomainError, match="前17位应为数字"):
        idcard.check_id("Ⅰ" + ASCII[1:])  # Roman numeral one: NFKC makes it "I", a letter


def test_the_command_line_import_finds_the_resident_typed_in_full_width(db_path, admin, tmp_path, capsys):
    residents.save_resident(admin, person(ASCII))
    ledger = tmp_path / "r.csv"
    ledger.write_text(f"姓名,身份证号\n张三,{ASCII.translate(FULL)}\n", encoding="utf-8")
    assert main(["--db", str(db_path), "import", "residents", str(ledger)]) == 0
    capsys.readouterr()
    assert m.Resident.select().count() == 1


@pytest.mark.parametrize("name", [
    "张\u202e三", "张三\u202d", "\u202a张三", "张\u2066三\u2069", "张\u200b三", "张\u200d三", "\ufeff张三",
    "张\u00ad三", "张\x07三", "\u200f", "\u202e\u200b", "张\u3164三", "张\u2028三",
])
def test_names_with_invisible_or_direction_characters_are_refused(admin, name):
    before = snapshot()
    with pytest.raises(DomainError, match="看不见的字符或文字方向控制符") as err:
        residents.save_resident(admin, person(ASCII, name=name))
    assert err.value.field == "name"
    assert snapshot() == before


def test_ordinary_spacing_is_tidied_and_real_names_pass(admin):
    assert residents.save_resident(admin, person(ASCII, name="  阿卜杜拉·艾买提  ")).name == "阿卜杜拉·艾买提"
    assert residents.save_resident(admin, person(WITH_X, name="Tom   Lee")).name == "Tom Lee"


def test_staff_display_names_follow_the_same_rule(admin):
    with pytest.raises(DomainError, match="看不见的字符") as err:
        accounts.create_staff(admin, "wang", "王\u202e小红", roles.CLERK, PASSWORD)
    assert err.value.field == "display_name"
    assert not m.Staff.select().where(m.Staff.username == "wang").exists()
    assert accounts.create_staff(admin, "li", " 李 四 ", roles.CLERK, PASSWORD).display_name == "李 四"
    assert accounts.create_staff(admin, "zhao", "", roles.CLERK, PASSWORD).display_name == "zhao"
