"""The three roles and the one check of whether a role allows a thing: services and screens both ask here.

It sits below accounts and audit (which both refuse by role) so neither needs the other to check one.
"""

from __future__ import annotations

from gridstation.core.rules.errors import PermissionDenied
from gridstation.core.storage import models as m

CLERK, HEAD, ADMIN = "clerk", "head", "admin"
ROLE_NAMES = {CLERK: "窗口人员", HEAD: "站长", ADMIN: "管理员"}
_RANK = {CLERK: 1, HEAD: 2, ADMIN: 3}


def reaches(role: str, needed: str) -> bool:
    """Whether a role (a staff's ``role`` field; "" for nobody) ranks at or above ``needed``."""
    return _RANK.get(role, 0) >= _RANK[needed]


def allows(actor: m.Staff | None, needed: str) -> bool:
    """Whether ``actor`` may do what needs ``needed``: what a screen asks before it offers a button."""
    return actor is None or (bool(actor.active) and reaches(actor.role, needed))


def require(actor: m.Staff | None, role: str) -> None:
    """Refuse unless ``actor`` has at least ``role``; ``None`` is the command line run by the site admin.

    Every service calls this, the lowest (窗口人员) ones too, so an account that was deactivated
    or holds no known role is refused by the services themselves, not only by the buttons.
    """
    if actor is None:
        return
    if not actor.active:
        raise PermissionDenied("该账号已停用，不能再办理业务，请联系管理员。")
    if not reaches(actor.role, role):
        raise PermissionDenied(f"您的角色（{ROLE_NAMES.get(actor.role, actor.role)}）无权进行此操作，需要{ROLE_NAMES[role]}权限。")
