"""The one place that decides whether a resident ID number (GB 11643) is acceptable."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError

MAINLAND_ID = "居民身份证"
DOC_TYPES = (MAINLAND_ID, "港澳台居民居住证", "外国人永久居留身份证", "其他证件")
EARLIEST_BIRTH = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: dt.date
    gender: str  # 男 / 女

    @cached_property
    def region_warning(self) -> str:
        """Empty when the region code was ever a region; looked up only when asked
        (the region table lookup costs more than the rest of the check, and imports skip it)."""
        return region_warning(self.number)

    def age(self, on: dt.date | None = None) -> int:
        return age_on(self.birth_date, on or clock.today())


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def normalise(number: str) -> str:
    """What a scanner or a hurried clerk types, reduced to the 18 stored characters.

    A Chinese input method in full-width mode types １１０１０１…Ｘ, and other scripts have digits of
    their own; each is the same number. NFKC folds full-width and compatibility forms to ASCII and
    any other decimal digit becomes its ASCII digit, so one person is one resident however the
    number was typed (``str.isdigit`` would have let the unfolded forms through as a new number).
    """
    folded = unicodedata.normalize("NFKC", number or "")
    folded = "".join(str(unicodedata.decimal(c)) if not c.isascii() and unicodedata.decimal(c, None) is not None
                     else c for c in folded)
    return re.sub(r"[\s\-]", "", folded).upper()


def _ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def check_id(number: str, *, today: dt.date | None = None) -> IdInfo:
    """Validate an 18-character mainland ID number; the message names the exact fault.

    python-stdnum supplies the check character; its region table is consulted only for a warning,
    because it refuses real numbers whose county code is newer than the holder's birth year and
    raises KeyError for counties it does not list.
    """
    today = today or clock.today()
    number = normalise(number)
    if not number:
        raise DomainError("请输入身份证号码。", field="doc_number")
    if len(number) != 18:
        raise DomainError(
            f"身份证号码应为18位，当前为{len(number)}位，请核对证件。", field="doc_number"
        )
    if not _ascii_digits(number[:17]) or not (_ascii_digits(number[17]) or number[17] == "X"):
        raise DomainError("身份证号码前17位应为数字，最后一位为数字或X，请核对证件。", field="doc_number")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise DomainError(
            f"身份证号码中的出生日期 {number[6:10]}-{number[10:12]}-{number[12:14]} 不存在，请核对证件。",
            field="doc_number",
        ) from None
    if birth > today:
        raise DomainError("身份证号码中的出生日期晚于今天，请核对证件。", field="doc_number")
    if birth < EARLIEST_BIRTH:
        raise DomainError("身份证号码中的出生日期早于1900年，请核对证件。", field="doc_number")
    from stdnum.cn import ric  # python-stdnum costs ~20 ms to import; not before the first check

    expected = ric.calc_check_digit(number)
    if number[17] != expected:
        raise DomainError(
            f"身份证号校验位错误：最后一位应为 {expected}，请核对证件。", field="doc_number"
        )
    return IdInfo(number=number, birth_date=birth, gender="男" if int(number[16]) % 2 else "女")


def region_warning(number: str) -> str:
    """Empty when the first six digits were ever a county code, whatever the birth year.

    The region is where the number was issued, which can be decades after the birth (a 官渡区
    resident born in 1970 holds 530111 although the district dates from 1983), so the year a code
    came into use proves nothing. Only a code the table has never held is worth a question.
    """
    from stdnum import numdb  # python-stdnum costs ~20 ms to import; not before the first check

    code = number[:6]
    info = {key: value for _part, props in numdb.get("cn/loc").info(code) for key, value in props.items()}
    if "county" in info:
        return ""
    if "province" not in info:
        return f"地区代码 {code} 不是任何省份的行政区划代码（前两位 {code[:2]} 不对应任何省份），请核对证件。"
    return (f"地区代码 {code} 不是{info['province']}已知的区县代码（也可能是近年新设的区县），"
            "请核对证件后继续。")


def check_document(doc_type: str, number: str) -> str:
    """The stored form of any accepted document number."""
    if doc_type == MAINLAND_ID:
        return check_id(number).number
    if doc_type not in DOC_TYPES:
        raise DomainError(f"不支持的证件类型：{doc_type}。", field="doc_type")
    cleaned = normalise(number)
    if not re.fullmatch(r"[0-9A-Z]{5,30}", cleaned):
        raise DomainError("证件号码应为5至30位字母或数字，请核对证件。", field="doc_number")
    return cleaned


def mask_id(number: str) -> str:
    """110101********1234: region kept for the counter, birth date and sequence hidden."""
    if len(number) >= 10:
        return number[:6] + "*" * (len(number) - 10) + number[-4:]
    if len(number) > 4:
        return "*" * (len(number) - 4) + number[-4:]
    return number


def check_phone(phone: str) -> str:
    """An 11-digit mainland mobile or a landline with area code; returns the stored form: ASCII digits
    (folded like ID numbers, so a phone typed in full width is found by the search box), a mobile as its
    11 digits, a landline as area code, dash, number (0871-65123999), however it was typed."""
    cleaned = re.sub(r"[\s\-()（）]", "", normalise(phone))
    if not cleaned:
        return ""
    if re.fullmatch(r"1[3-9][0-9]{9}", cleaned):
        return cleaned
    area = _area_code_length(cleaned)
    if re.fullmatch(r"0[0-9]{%d}[0-9]{7,8}" % (area - 1), cleaned):
        return with_area_dash(cleaned)
    raise DomainError(
        f"联系电话“{phone}”格式不正确：手机号应为1开头的11位数字，座机应带区号（如 0871-12345678）。",
        field="phone",
    )


def _area_code_length(digits: str) -> int:
    """Mainland area codes: 010 and 020-029 have three digits, every other one four."""
    return 3 if digits[:2] in ("01", "02") else 4


def with_area_dash(digits: str) -> str:
    """A landline's digits (or their start, as typed in the search box) with the dash after the area
    code, as ``check_phone`` stores them; a mobile or anything shorter than an area code unchanged."""
    if not digits.startswith("0"):
        return digits
    area = _area_code_length(digits)
    return digits if len(digits) <= area else f"{digits[:area]}-{digits[area:]}"


def mask_phone(phone: str) -> str:
    """138****5678 on anything printed."""
    if len(phone) >= 11:
        return phone[:3] + "****" + phone[-4:]
    if len(phone) > 4:
        return "*" * (len(phone) - 4) + phone[-4:]
    return phone
