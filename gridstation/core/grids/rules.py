"""The grid register's words and limits: levels, kinds, roles, codes; one function per rule."""

from __future__ import annotations

import re

from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.free_text import clean_text
from gridstation.core.rules.person_names import has_invisible

# The levels the seeds name (三级网格, 四级网格, 五级微网格); a station may write its own (a short word).
LEVELS = ("三级", "四级", "五级")
LEVEL_LIMIT = 10  # a level the station names itself is a short word
GENERAL, DEDICATED = "综合网格", "专属网格"
KINDS = (GENERAL, DEDICATED)

# 网格力量: the roles the seeds name, in the order a notice board lists them; a station may add its own.
GRID_HEAD, FULL_TIME, PART_TIME, LIAISON = "网格长", "专职网格员", "兼职网格员", "联络员"
MICRO_HEAD, BUILDING_HEAD, UNIT_HEAD, PARTY_HOUSEHOLD = "微网格长", "楼栋长", "单元长", "党员中心户"
POLICE, MEDIATOR, PROPERTY = "社区民警", "调解员", "物业联系人"
ROLES = (GRID_HEAD, FULL_TIME, PART_TIME, LIAISON, MICRO_HEAD, BUILDING_HEAD, UNIT_HEAD, PARTY_HOUSEHOLD,
         POLICE, MEDIATOR, PROPERTY)
# The roles a grid's events go to: a handover moves these, and a grid's 网格员 are these people.
GRID_ROLES = (GRID_HEAD, FULL_TIME, PART_TIME, MICRO_HEAD)
WORKER_ROLES = (FULL_TIME, PART_TIME)  # the 网格员 of a grid, 专职 before 兼职

CODE_PREFIX = "WG"  # the code a grid gets when none is written: WG001, WG002 …
_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,19}")


def check_below(level: str, parent_level: str, *, field: str = "level") -> None:
    """A grid lies a level below its parent (三级 → 四级 → 五级): a 五级 grid under a 五级 one is a slip of
    the keyboard. Levels a station names itself are not ranked, so they are not compared."""
    if level in LEVELS and parent_level in LEVELS and LEVELS.index(level) <= LEVELS.index(parent_level):
        raise DomainError(f"{level}网格不能设在{parent_level}网格下：下级网格的层级应低于上级（三级 → 四级 → 五级）。",
                          field=field)


def check_public_name(text: str, label: str, limit: int, *, field: str) -> str:
    """A name the register prints on public boards and finds by typing (a grid, a compound, a building, a
    role): control characters refused as in any text, and, as in a person's name, characters that show
    nothing or reorder what is shown (U+202E printed a grid's code WG012 as 210GW)."""
    name = clean_text(text, label, limit, required=True, field=field)
    if has_invisible(name):
        raise DomainError(f"{label}含有看不见的字符或文字方向控制符（如零宽字符），请删除后重新输入。", field=field)
    return name


def level_under(level: str) -> str:
    """The level a grid made under one of ``level`` takes by default: the next of LEVELS (五级 stays 五级,
    which the parent check then refuses; a station's own word is kept for the head to change)."""
    return LEVELS[min(LEVELS.index(level) + 1, len(LEVELS) - 1)] if level in LEVELS else level


def check_level(text: str) -> str:
    """A level as the station names it: one of LEVELS or a short word of its own (例：社区级)."""
    return clean_text(text, "网格层级", LEVEL_LIMIT, required=True, field="level")


def check_kind(text: str) -> str:
    """综合网格 for a residential area, 专属网格 for a school, a market, a business block."""
    kind = clean_text(text, "网格类型", 6, field="kind") or GENERAL
    if kind not in KINDS:
        raise DomainError(f"网格类型应为“{GENERAL}”或“{DEDICATED}”。", field="kind")
    return kind


def check_code(text: str) -> str:
    """A grid code: letters (upper case), digits and dashes, up to 20, as 统一编码 assigns them; "" for none."""
    code = clean_text(text, "网格编号", 20, field="code").upper()
    if code and not _CODE.fullmatch(code):
        raise DomainError("网格编号只能由字母、数字和“-”组成（最多20位），例如 WG001。", field="code")
    return code


def next_code(used: list[str]) -> str:
    """The next WG number after the highest of ``used``, three digits at least (WG001)."""
    numbers = [int(c[len(CODE_PREFIX):]) for c in used if c.startswith(CODE_PREFIX) and c[len(CODE_PREFIX):].isdigit()]
    return f"{CODE_PREFIX}{max(numbers, default=0) + 1:03d}"


def check_role(text: str) -> str:
    """A role: one of ROLES or one the station adds (a short word, 例：志愿者)."""
    return check_public_name(text, "岗位", 12, field="role")
