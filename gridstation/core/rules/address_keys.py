"""The one rule for matching a written address to a building: 3栋, 3号楼, 三栋, 3幢 and ３栋 are one building.

Staff and ledgers write the same building many ways (full-width digits from a Chinese input method,
Chinese numerals, 栋 / 幢 / 号楼 / 座 suffixes). A resident is placed in a grid by comparing keys, never
the text as typed, so each written form is reduced to a key here and nowhere else: the key is what a
building row and a resident row store, and what the address → grid lookup compares by index.
"""

from __future__ import annotations

import re
import unicodedata

# Written after a building's number: longest first so 号楼 is removed whole, not as 楼 leaving 号.
_BUILDING_SUFFIXES = ("号楼", "号栋", "号幢", "栋楼", "栋", "幢", "号", "楼", "座")
_UNIT_SUFFIXES = ("单元", "号单元", "单", "元")
_ROOM_SUFFIXES = ("室", "号", "房")
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100}
_CHINESE_NUMBER = re.compile("[零〇一二两三四五六七八九十百]+")
SEPARATOR = "/"  # between a compound's key and a building's in an address key; never part of either


def _plain(text: str) -> str:
    """Full-width forms made ASCII (３ → 3, Ａ → A), spaces dropped, letters upper case."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def chinese_number(text: str) -> int | None:
    """三 → 3, 十二 → 12, 二十 → 20, 一百零五 → 105; None when ``text`` is not a number written in Chinese.

    Written out digit by digit (一零五) is read as the digits; a building is rarely over 999.
    """
    if not text or not _CHINESE_NUMBER.fullmatch(text):
        return None
    if not any(c in _UNITS for c in text):
        return int("".join(str(_DIGITS[c]) for c in text))
    total, digit = 0, None
    for char in text:
        if char in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[char]
            digit = None
        else:
            digit = _DIGITS[char] if _DIGITS[char] else digit
    return total + (digit or 0)


def _numbered(text: str, suffixes: tuple[str, ...]) -> str:
    """The number part of a building, unit or room: suffix removed, Chinese numerals as digits,
    leading zeros dropped (03栋 is 3栋)."""
    text = _plain(text)
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    number = chinese_number(text)
    if number is not None:
        return str(number)
    return (text.lstrip("0") or text) if text.isdigit() else text


def compound_key(text: str) -> str:
    """A compound (小区) as compared: full-width forms and spaces do not make another compound."""
    return _plain(text).replace(SEPARATOR, "")


def building_key(text: str) -> str:
    """3栋, 3号楼, 三栋, 3幢, ３栋, 03栋 → "3"; A座 → "A"; empty for an empty building."""
    return _numbered(text, _BUILDING_SUFFIXES).replace(SEPARATOR, "")


def unit_key(text: str) -> str:
    """1单元, 一单元, １ → "1"; empty for an empty unit."""
    return _numbered(text, _UNIT_SUFFIXES)


def room_key(text: str) -> str:
    """302室, ３０２ → "302": a household is a room of a building's unit."""
    return _numbered(text, _ROOM_SUFFIXES)


def address_key(compound: str, building: str) -> str:
    """The key a building row and each of its residents store: compound and building, both normalised.

    Empty when the building is not written: a resident with no building is placed by hand.
    """
    number = building_key(building)
    return f"{compound_key(compound)}{SEPARATOR}{number}" if number else ""
