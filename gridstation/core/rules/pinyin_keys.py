"""Pinyin search keys for a name: full pinyin and initials, for every reading of the surname.

pypinyin's default reading of a surname is often the common-word reading (曾 ceng, 单 dan), so the
first character contributes all its readings; the rest use the default. Results are cached per
character because demo data and imports compute keys for 100 000 names.
"""

from __future__ import annotations

import os
from functools import lru_cache

# Keys are made a character at a time, so pypinyin's 2.5 MB dictionary of phrases is never used;
# parsing it is one json.loads that holds the GIL for a quarter of a second, which froze the window
# when a list read in the background (the pension roster's sort) was the first to need pinyin.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")

MAX_SURNAME_READINGS = 3


@lru_cache(maxsize=20000)
def _readings(char: str, all_readings: bool) -> tuple[str, ...]:
    from pypinyin import Style, pinyin

    if not ("\u4e00" <= char <= "\u9fff"):
        return (char.lower(),) if char.isalnum() else ("",)
    found = pinyin(char, heteronym=all_readings, style=Style.NORMAL, errors="ignore")
    readings = tuple(dict.fromkeys(found[0])) if found and found[0] else ("",)
    return readings[:MAX_SURNAME_READINGS] if all_readings else readings[:1]


def name_keys(name: str) -> list[str]:
    """Distinct keys, e.g. 曾小明 -> zengxiaoming, zxm, cengxiaoming, cxm."""
    name = "".join(name.split())
    if not name:
        return []
    rest = [_readings(c, False)[0] for c in name[1:]]
    keys: list[str] = []
    for first in _readings(name[0], True):
        syllables = [s for s in [first, *rest] if s]
        if not syllables:
            continue
        keys.append("".join(syllables))
        keys.append("".join(s[0] for s in syllables))
    return list(dict.fromkeys(k for k in keys if k))


def prefix_end(prefix: str) -> str:
    """Upper bound for an indexed prefix range (col >= p AND col < prefix_end(p))."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def sort_key(name: str) -> str:
    """Pinyin order as a dictionary of names has it (陈 before 王 before 张), not character-code
    order: syllable by syllable, so every 李 comes before 梁, 林 and 刘 (the joined search keys
    would put lihaoqiang after liangpingxiu). Numbered names go by their number: 第二网格 before
    第十网格, 2号楼 before 12号楼, whether written 第七 or 第7 (see ``_numbered``). The name itself breaks
    ties between same-sounding names. About 10 µs a name once its characters have been seen (the
    readings are cached).

    One flat string, not a tuple of syllables: the syllables are joined by \\x01 and the name
    follows \\x00, both below every letter, so it sorts exactly as the tuple would; but comparing
    strings is one memcmp, and sorting the 28 000 pensioners of a large roster is a single C call
    that holds the interpreter lock: 68 ms with nested tuples (the window froze that long while the
    roster loaded), 20 ms with these strings. A number is one piece of twelve digits, which sorts
    before every syllable and by value among numbers."""
    pieces = (f"{int(part):012d}" if part.isdigit() else _readings(part, False)[0]
              for part in _numbered("".join(name.split())))
    return "\x01".join(pieces) + "\x00" + name


CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                  "八": 8, "九": 9}
CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
# A run of Chinese numerals is a number only where it counts something: after 第 (第十二网格) or before
# a counter word (三号楼, 七栋, 二单元, 五组); elsewhere it is part of a name (王一博, 三元里).
NUMBERED_BEFORE = "第"
NUMBERED_AFTER = ("号", "栋", "幢", "楼", "单元", "网格", "组", "区", "期", "队", "社")
_NUMERALS = set(CHINESE_DIGITS) | set(CHINESE_UNITS)


def _chinese_number(text: str) -> int | None:
    """第十二 -> 12, 一百零五 -> 105, 二〇二 -> 202; None for what is not a plain number."""
    if all(c in CHINESE_DIGITS for c in text):
        return int("".join(str(CHINESE_DIGITS[c]) for c in text))
    total, digit = 0, None
    for char in text:
        if char in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[char]
        else:
            total += (1 if digit is None else digit) * CHINESE_UNITS[char]
            digit = None
    return total + (digit or 0)


def _numbered(name: str) -> list[str]:
    """``name`` as pieces: runs of digits, Chinese numbers that count something (as digits), and
    single other characters."""
    pieces: list[str] = []
    i = 0
    while i < len(name):
        j = i
        if name[i].isdigit() and name[i].isascii():
            while j < len(name) and name[j].isdigit() and name[j].isascii():
                j += 1
            pieces.append(name[i:j])
        elif name[i] in _NUMERALS:
            while j < len(name) and name[j] in _NUMERALS:
                j += 1
            counted = name[:i].endswith(NUMBERED_BEFORE) or name.startswith(NUMBERED_AFTER, j)
            pieces.extend([str(_chinese_number(name[i:j]))] if counted else list(name[i:j]))
        else:
            j = i + 1
            pieces.append(name[i])
        i = j
    return pieces
