"""The one rule for free text: what a typed or imported text field may hold, and how it is shown in a terminal.

Control characters (NUL, vertical tab, ESC, the C1 block, DEL) are invisible on screen and on paper,
make an Excel file that cannot be written (XML 1.0 forbids most of them) and, echoed to a terminal,
are commands to it (ESC [ 2 J clears the screen). No person types them: they come from a broken
paste or a file made to cause harm. So they are refused with one Chinese message, never silently
removed, as the names rule (``person_names``) does for invisible characters: what is stored is
exactly what was typed or shown. A field that allows lines (a description, a note) keeps its line
breaks and tabs; a one-line field (a place, a code) turns them into a space, because a paste from a
spreadsheet or a chat brings them in and a one-line field cannot show them.
"""

from __future__ import annotations

import re

from gridstation.core.rules.errors import DomainError

NOTE_LIMIT = 2000  # a note, a result, a reason: a text box with lines, on an intake or an event alike

# C0 controls and DEL and the C1 block; line breaks and tabs are judged per field.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_LINE_KEPT = frozenset("\n\t")
# What a terminal must not get raw: the controls, and the format characters (Cf: direction marks and
# overrides, zero-width, soft hyphen, BOM) and line/paragraph separators (Zl, Zp) that reorder or split a line.
_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
                     "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
                     "\U000110bd\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")


def has_controls(text: str, *, lines: bool = False) -> bool:
    """Whether ``text`` holds a control character its field may not hold (line breaks and tabs only in lines)."""
    allowed = _LINE_KEPT | {"\r"} if lines else frozenset()
    return any(c not in allowed for c in _CONTROLS.findall(text))


def refuse_controls(text: str, label: str, *, lines: bool = False, field: str | None = None) -> None:
    """DomainError naming ``label`` when ``text`` holds a control character its field may not hold; for
    fields whose other checks (length, emptiness) keep their own wording (settings, the station's lists)."""
    if has_controls(text, lines=lines):
        raise DomainError(f"{label}含有控制字符（看不见的特殊字符），请删除后重新输入。", field=field)


def clean_text(value: str | None, label: str, limit: int, *, required: bool = False, lines: bool = False,
               field: str | None = None) -> str:
    """A free-text field as it is stored: controls refused, ends trimmed, one-line fields on one line.

    ``lines``: the field may hold several lines (line breaks and tabs kept; Windows' CR LF made LF).
    Otherwise line breaks, tabs and runs of spaces, which a paste brings in, become single spaces.
    """
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    refuse_controls(text, label, lines=True, field=field)
    text = text.strip() if lines else " ".join(text.split())
    if required and not text:
        raise DomainError(f"请填写{label}。", field=field)
    if len(text) > limit:
        raise DomainError(f"{label}过长（最多{limit}个字）。", field=field)
    return text


def shown(text: str) -> str:
    """Text as a terminal may print it: each control character (except line breaks and tabs) as its
    visible picture (ESC as ␛), so stored text or a hostile file's cell cannot drive the terminal; and
    each direction override, zero-width or other format character and each line/paragraph separator
    (U+202E, U+200B, U+2028 …) as �, so it cannot reorder or split what is printed around it."""
    return _HIDDEN.sub(_picture, text)


def clipped(text: str, width: int = 40) -> str:
    """Text a user or a file gave, cut for echoing in a message: a 20 000-character name is named by its start."""
    return text if len(text) <= width else text[:width] + "…"


def _picture(found: re.Match[str]) -> str:
    char = found.group()
    if char in _LINE_KEPT:
        return char
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else "\ufffd"
