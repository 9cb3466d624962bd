import datetime as dt

import pytest
from stdnum.cn import ric

from gridstation.core.rules import clock, idcard
from gridstation.core.rules.errors import DomainError
from tests.helpers import make_id


def test_valid_number_gives_birth_date_gender_and_age():
    number = make_id("110101", "19900307", "771")
    info = idcard.check_id(number, today=dt.date(2026, 3, 7))
    assert info.birth_date == dt.date(1990, 3, 7)
    assert info.gender == "男"
    assert info.age(dt.date(2026, 3, 6)) == 35
    assert info.region_warning == ""


def test_lower_case_x_is_accepted():
    body = next(b for b in (f"11010119800101{n:03d}" for n in range(1000)) if ric.calc_check_digit(b + "0") == "X")
    assert idcard.check_id(body + "x").number == body + "X"


def test_wrong_check_character_names_the_right_one():
    good = make_id()
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(DomainError) as err:
        idcard.check_id(wrong)
    assert f"最后一位应为 {good[-1]}" in err.value.message


@pytest.mark.parametrize("number, words", [
    ("11010119900307771", "应为18位"),
    ("1101011990030777123", "应为18位"),
    ("11010119900230771X", "不存在"),
    ("11010119A00307771X", "前17位应为数字"),
])
def test_bad_shapes_are_refused(number, words):
    with pytest.raises(DomainError) as err:
        idcard.check_id(number)
    assert words in err.value.message


def test_future_birth_date_is_refused():
    tomorrow = clock.today() + dt.timedelta(days=1)
    with pytest.raises(DomainError, match="晚于今天"):
        idcard.check_id(make_id("110101", f"{tomorrow:%Y%m%d}"))


def test_county_newer_than_birth_year_is_a_warning_not_a_refusal():
    # 130631 (望都县 code reassigned) style case: stdnum refuses it for 1980 births.
    number = make_id("130631", "19800101", "123")
    info = idcard.check_id(number)
    assert info.number == number


def test_county_missing_from_table_is_a_warning_not_a_crash():
    number = make_id("330114", "20210601", "022")  # 钱塘区, created 2021; absent from stdnum 2.2
    info = idcard.check_id(number)
    assert info.region_warning and "330114" in info.region_warning
    unknown = make_id("990101", "19800101", "123")
    assert idcard.check_id(unknown).region_warning


def test_region_issued_after_the_birth_is_no_warning():
    # 官渡区 (530111) dates from 1983; a resident born in 1970 got the number there later.
    info = idcard.check_id(make_id("530111", "19700512", "031"))
    assert info.region_warning == ""
    assert idcard.check_id(make_id("130631", "19800101", "123")).region_warning == ""


def test_code_that_was_never_a_region_says_so():
    warning = idcard.check_id(make_id("990101", "19800101", "123")).region_warning
    assert "990101" in warning and "不是任何省份的行政区划代码" in warning
    assert "行政区划表" not in warning
    county = idcard.check_id(make_id("539901", "19800101", "123")).region_warning
    assert "539901" in county and "云南省" in county and "区县代码" in county


def test_masks():
    assert idcard.mask_id("110101199003077717") == "110101********7717"
    assert idcard.mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize("phone", ["1381234567", "23812345678", "12345", "138-1234-567a", "0871-123456", "010-123456789"])
def test_bad_phone_is_refused(phone):
    with pytest.raises(DomainError, match="联系电话"):
        idcard.check_phone(phone)


@pytest.mark.parametrize("phone, stored", [
    ("138 1234 5678", "13812345678"),
    ("0871-67001234", "0871-67001234"),
    ("087165123999", "0871-65123999"),
    ("（0871）6512 3999", "0871-65123999"),
    ("010-12345678", "010-12345678"),
    ("02112345678", "021-12345678"),
])
def test_good_phones(phone, stored):
    assert idcard.check_phone(phone) == stored


def test_other_documents_are_accepted_by_type():
    assert idcard.check_document("港澳台居民居住证", "810000199001011234") == "810000199001011234"
    with pytest.raises(DomainError):
        idcard.check_document("外国人永久居留身份证", "!!")
