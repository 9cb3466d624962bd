"""The station's own lists for events: categories (with their time limits) and partners, and the one list
of those an event is handed to (the register's people and the partner units).

A station that never edited a list uses the built-in one; the first edit stores the built-in list
with the change, so what staff saw is what is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridstation.core.grids import choices
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.free_text import refuse_controls
from gridstation.core.station import audit
from gridstation.core.station.roles import HEAD, require
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction


@dataclass(frozen=True)
class _Default:
    name: str
    normal_days: int
    urgent_days: int
    after_photo: bool = False
    mediation: bool = False


DEFAULT_CATEGORIES = (
    _Default("环境卫生", 3, 1, after_photo=True), _Default("设施损坏", 5, 1, after_photo=True),
    _Default("安全隐患", 3, 1, after_photo=True), _Default("矛盾纠纷", 22, 3, mediation=True),
    _Default("民生诉求", 5, 2), _Default("其他", 5, 2),
)
DEFAULT_PARTNERS = ("物业", "城管", "派出所", "社区律师")
MAX_DAYS = 60


def store_builtin_lists() -> None:
    """Store the built-in lists the first time the station edits one; call inside the write transaction."""
    if not m.EventCategory.select().exists():
        for order, d in enumerate(DEFAULT_CATEGORIES, start=1):
            m.EventCategory.create(name=d.name, normal_days=d.normal_days, urgent_days=d.urgent_days,
                                   after_photo=d.after_photo, mediation=d.mediation, sort_order=order * 10)
    if not m.EventPartner.select().exists():
        for order, name in enumerate(DEFAULT_PARTNERS, start=1):
            m.EventPartner.create(name=name, sort_order=order * 10)


def categories(*, include_inactive: bool = False) -> list[m.EventCategory]:
    """The categories staff choose from, in the station's order (unsaved rows when never edited)."""
    rows = list(m.EventCategory.select().order_by(m.EventCategory.sort_order, m.EventCategory.id))
    if not rows:
        rows = [m.EventCategory(name=d.name, normal_days=d.normal_days, urgent_days=d.urgent_days,
                                after_photo=d.after_photo, mediation=d.mediation, sort_order=i * 10)
                for i, d in enumerate(DEFAULT_CATEGORIES, start=1)]
    return [c for c in rows if include_inactive or c.active]


def category(name: str) -> m.EventCategory:
    found = next((c for c in categories(include_inactive=True) if c.name == (name or "").strip()), None)
    if found is None:
        names = "、".join(c.name for c in categories())
        raise DomainError(f"没有“{name}”这个事件类别，可选：{names}。", field="category")
    return found


def partners(*, include_inactive: bool = False) -> list[m.EventPartner]:
    """The partners events can be assigned to; built-in names until the station edits the list."""
    rows = list(m.EventPartner.select().order_by(m.EventPartner.sort_order, m.EventPartner.id))
    if not rows:
        return [m.EventPartner(name=n, sort_order=i * 10) for i, n in enumerate(DEFAULT_PARTNERS, start=1)]
    return [p for p in rows if include_inactive or p.active]


def save_category(actor: m.Staff | None, name: str, normal_days: int, urgent_days: int, *,
                  after_photo: bool = False, mediation: bool = False, active: bool = True) -> m.EventCategory:
    """Add or change a category (head). Limits are working days, 1 to 60; 紧急 no longer than 一般."""
    require(actor, HEAD)
    name = (name or "").strip()
    refuse_controls(name, "类别名称", field="name")
    if not name or len(name) > 20:
        raise DomainError("类别名称不能为空，最多20个字。", field="name")
    if not (1 <= urgent_days <= normal_days <= MAX_DAYS):
        raise DomainError(f"时限应为1至{MAX_DAYS}个工作日，紧急事件的时限不能长于一般事件。", field="normal_days")
    values = {"normal_days": normal_days, "urgent_days": urgent_days, "after_photo": after_photo,
              "mediation": mediation, "active": active}
    with write_transaction():
        store_builtin_lists()
        row = m.EventCategory.get_or_none(m.EventCategory.name == name)
        before = None if row is None else {k: getattr(row, k) for k in values}
        if row is None:
            last = m.EventCategory.select(m.EventCategory.sort_order).order_by(m.EventCategory.sort_order.desc()).scalar()
            row = m.EventCategory.create(name=name, sort_order=(last or 0) + 10, **values)
        else:
            m.EventCategory.update(**values).where(m.EventCategory.id == row.id).execute()
        audit.record(actor, "修改事件类别", "event_category", name, before=before, after=values)
    return m.EventCategory.get_by_id(row.id)


def save_partner(actor: m.Staff | None, name: str, *, active: bool = True) -> m.EventPartner:
    """Add a partner or (de)activate one (head)."""
    require(actor, HEAD)
    name = (name or "").strip()
    refuse_controls(name, "协作单位名称", field="name")
    if not name or len(name) > 40:
        raise DomainError("协作单位名称不能为空，最多40个字。", field="name")
    with write_transaction():
        store_builtin_lists()
        row = m.EventPartner.get_or_none(m.EventPartner.name == name)
        if row is None:
            last = m.EventPartner.select(m.EventPartner.sort_order).order_by(m.EventPartner.sort_order.desc()).scalar()
            row = m.EventPartner.create(name=name, active=active, sort_order=(last or 0) + 10)
        else:
            m.EventPartner.update(active=active).where(m.EventPartner.id == row.id).execute()
        audit.record(actor, "修改协作单位", "event_partner", name, after={"active": active})
    return m.EventPartner.get_by_id(row.id)


def partner_by_name(name: str) -> m.EventPartner:
    """A partner as a stored row (stored on first use, so an event can refer to it); call inside a write."""
    store_builtin_lists()
    row = m.EventPartner.get_or_none(m.EventPartner.name == (name or "").strip())
    if row is None or not row.active:
        names = "、".join(p.name for p in partners())
        raise DomainError(f"没有“{name}”这个协作单位，可选：{names}；站长可在设置中增加。", field="partner")
    return row


@dataclass(frozen=True)
class Handler:
    """Someone an event is handed to: a person of the register (``person_id``) or a partner unit (``unit``)."""

    label: str
    person_id: int | None = None
    unit: str = ""


def handlers() -> list[Handler]:
    """The one list an event's 经办/分派 offers: the register's people, grid roles first (网格长, 网格员 …),
    then its 物业联系人, 社区民警 and 调解员 and the rest, then the partner units the events know (物业, 派出所,
    社区律师 … as the station keeps them). A person need not have a login."""
    people = [Handler(c.label, person_id=c.person_id) for c in choices.person_choices()]
    return people + [Handler(f"协作单位：{p.name}", unit=p.name) for p in partners()]

