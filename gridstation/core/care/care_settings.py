"""The care settings the head keeps (not the administrator's settings page: who sees supervision tags must
not be a setting the administrator can give himself): who sees each class, the hours a major change gives
for a visit, the services a visit may record."""

from __future__ import annotations

from collections.abc import Iterable

from gridstation.core.care import rules, visibility
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.free_text import clean_text
from gridstation.core.station import audit
from gridstation.core.station.roles import HEAD, require_exactly
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.core.storage.db import write_transaction


def _put(actor: m.Staff | None, key: str, value: object) -> None:
    before = settings.get(key)
    if before == value:
        return
    with write_transaction():
        settings.put(key, value)
        audit.record(actor, "修改设置", "setting", key, before={key: before}, after={key: value})


def set_visibility(actor: m.Staff | None, klass: str, who: Iterable[str]) -> dict[str, list[str]]:
    """Who sees a class: any of 窗口人员, 站长, 管理员, 本网格网格员 (``visibility.AUDIENCES``); the head's
    alone, never the administrator's by rank."""
    require_exactly(actor, HEAD)
    rules.check_class(klass)
    chosen = set(who)
    if chosen - set(visibility.AUDIENCES):
        raise DomainError(f"可查看人员应为{'、'.join(visibility.AUDIENCES.values())}。", field="visibility")
    value = {**visibility.audiences(), klass: [a for a in visibility.AUDIENCES if a in chosen]}
    _put(actor, "care_visibility", value)
    return value


def set_change_hours(actor: m.Staff | None, hours: object) -> int:
    require_exactly(actor, HEAD)
    value = rules.check_hours(hours)
    _put(actor, "care_change_hours", value)
    return value


def set_services(actor: m.Staff | None, names: Iterable[str]) -> list[str]:
    """The services a visit may record (送温暖, 上门送诊, 帮办代办 …), in the order given, each once."""
    require_exactly(actor, HEAD)
    value = list(dict.fromkeys(clean_text(name, "服务项目", 20, required=True, field="services") for name in names))
    if not value:
        raise DomainError("服务清单至少要有一项。", field="services")
    _put(actor, "care_services", value)
    return value
