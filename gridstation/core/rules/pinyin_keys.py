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
    would put lihaoqiang after liangpingxiu). The name itself breaks ties between same-sounding
    names. About 10 µs a name once its characters have been seen (the readings are cached).

    One flat string, not a tuple of syllables: the syllables are joined by \\x01 and the name
    follows \\x00, both below every letter, so it sorts exactly as the tuple would; but comparing
    strings is one memcmp, and sorting the 28 000 pensioners of a large roster is a single C call
    that holds the interpreter lock: 68 ms with nested tuples (the window froze that long while the
    roster loaded), 20 ms with these strings."""
    syllables = (_readings(char, False)[0] for char in "".join(name.split()))
    return "\x01".join(syllables) + "\x00" + name
