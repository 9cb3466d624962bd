"""The words of 好差评 and its deadlines (working days on the station's open days)."""

from __future__ import annotations

import datetime as dt

from gridstation.core.station.opening_days import station_calendar
from gridstation.core.storage import settings

LEVELS = ("非常满意", "满意", "基本满意", "不满意", "非常不满意")  # keys 5 .. 1 on the resident screen
SATISFIED = LEVELS[:2]  # 满意率's numerator
BAD = LEVELS[3:]  # opens a 整改
REASONS = ("态度", "效率", "材料要求不清", "多次跑", "其他")
SCREEN, CARD, PHONE = "评价器", "纸质卡", "电话回访"
CHANNELS = (SCREEN, CARD, PHONE)
VIEWS = ("满意", "基本满意", "不满意")  # the resident's view of the fix
TEXT_LIMIT = 500  # a rating's text, a 回访, a 申诉 reason, a 整改 finding or measure


def level_of_key(key: int) -> str:
    """The level a resident's key 1..5 means: 5 is 非常满意, 1 is 非常不满意."""
    return LEVELS[5 - key]


def rating_deadline(completed: dt.date) -> dt.date:
    """The last day a rating of an intake completed on ``completed`` may be recorded."""
    return station_calendar().add_working_days(completed, int(settings.get("rating_window_days")))


def rectify_due(opened: dt.date) -> dt.date:
    return station_calendar().add_working_days(opened, int(settings.get("rectify_days")))
