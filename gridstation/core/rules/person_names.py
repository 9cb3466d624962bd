"""The one check of a person's name as it is stored and shown (residents, staff accounts).

A name is printed on receipts and slips, searched by pinyin and compared by eye at the counter.
Characters that show nothing or reorder what is shown (bidi overrides U+202A–202E and isolates
U+2066–2069, zero-width spaces and joiners, other format and control characters, blank fillers)
let two records look like one person, or a name display as something it is not (U+202E turns
"张三\u202e" + "…" around). They are refused with one Chinese message rather than silently removed,
because removing them could merge two different typed names into one without anyone noticing;
only ordinary whitespace is tidied (trimmed at the ends, runs inside made one space).
"""

from __future__ import annotations

import unicodedata

from gridstation.core.rules.errors import DomainError

# Control, format (bidi, zero-width), surrogate, private-use and unassigned; line/paragraph separators.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
# Letters and symbols that render as blank space.
BLANK_LOOKALIKES = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def has_invisible(text: str) -> bool:
    return any(unicodedata.category(c) in INVISIBLE_CATEGORIES or c in BLANK_LOOKALIKES for c in text)


def clean_name(raw: str | None, *, limit: int, label: str = "姓名", field: str = "name") -> str:
    """The stored form of a person's name (NFC, whitespace tidied); DomainError naming the fault."""
    if raw and has_invisible(raw.strip()):
        raise DomainError(f"{label}含有看不见的字符或文字方向控制符（如零宽字符），请删除后重新输入。", field=field)
    name = " ".join(unicodedata.normalize("NFC", raw or "").split())
    if not name:
        raise DomainError(f"请输入{label}。", field=field)
    if len(name) > limit:
        raise DomainError(f"{label}过长（最多{limit}个字）。", field=field)
    return name
