"""Station settings stored in the database, so every window of a station shares them."""

from __future__ import annotations

import json
from typing import Any

from gridstation.core.storage import models as m

DEFAULTS: dict[str, Any] = {
    "station_name": "网格服务站",
    "station_address": "",
    "station_phone": "",
    "supervision_phone": "",  # 监督电话 printed on the 网格员公示牌; the station's phone when not set
    "serial_prefix": "SL",
    "receipt_size": "A5",  # A5 or 80mm
    "receipt_notice": "请妥善保管本回执，凭回执查询办理进度。",
    "idle_lock_minutes": 10,
    "loan_limit_units": 3,
    "loan_max_renewals": 2,
    "open_weekdays": [0, 1, 2, 3, 4],  # Monday..Friday; the days: core/station/opening_days.py
    "holidays": [],  # the station's own closed days (ISO dates)
    "workdays": [],  # the station's own open days on a closed weekday or national holiday
    "national_calendar": True,  # follow the national holidays and make-up working days (调休)
    "label_layout": "3x8",
    "backup_dir": "",
    "rating_window_days": 5,  # 好差评: working days after 办结 in which a rating may still be recorded
    "rectify_days": 5,  # 差评整改: working days the head has to rectify a bad rating
    # 关爱走访, set by the head through core/care/care_settings.py (not the administrator's settings):
    "care_visibility": {"关爱": ["clerk", "head"], "监管": ["head", "worker"]},  # who sees each class of tags
    "care_change_hours": 24,  # a major change asks a visit within this many hours
    "care_services": ["送温暖", "上门送诊", "帮办代办", "代购代缴", "政策宣传", "心理疏导"],  # given on a visit
}
# The receipt printer is a setting of each PC, not of the station (ui/common/local_settings.py); a
# "printer" row an older version stored here is only read as that module's fallback.


def get(key: str) -> Any:
    row = m.Setting.get_or_none(m.Setting.key == key)
    if row is None:
        return DEFAULTS.get(key)
    return json.loads(row.value)


def get_all() -> dict[str, Any]:
    values = dict(DEFAULTS)
    for row in m.Setting.select():
        values[row.key] = json.loads(row.value)
    return values


def put(key: str, value: Any) -> None:
    """Low-level write; callers are service functions that have checked the role and audit it."""
    payload = json.dumps(value, ensure_ascii=False)
    m.Setting.insert(key=key, value=payload).on_conflict(
        conflict_target=[m.Setting.key], update={m.Setting.value: payload}
    ).execute()


def supervision_phone() -> str:
    """The 监督电话 a 网格员公示牌 prints: the one the station set, else its own phone (where a resident
    complains about a grid worker is the station that appoints them)."""
    return str(get("supervision_phone") or get("station_phone") or "")
