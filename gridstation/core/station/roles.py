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


def current(actor: m.Staff) -> m.Staff | None:
    """The account as it stands in the database now (None when it is gone).

    A window signs in once and keeps its Staff object for hours; an administrator may deactivate the
    account or demote a head to clerk meanwhile, in this window or another. Rights go with the
    account, so they are read afresh, not taken from the object a window was handed.
    """
    return m.Staff.select(m.Staff.id, m.Staff.active, m.Staff.role).where(m.Staff.id == actor.id).first()


def still_holds(actor: m.Staff) -> bool:
    """Whether the account is still as it was when ``actor`` signed in: active, with the same role.
    A window asks this on a timer and locks when it is not (see ``current``)."""
    now = current(actor)
    return now is not None and bool(now.active) and now.role == actor.role


def require(actor: m.Staff | None, role: str) -> None:
    """Refuse unless ``actor``'s account has at least ``role`` now; ``None`` is the command line run by
    the site admin.

    Every service calls this, the lowest (窗口人员) ones too, so an account that was deactivated, demoted
    or holds no known role is refused by the services themselves, not only by the buttons, even in a
    window signed in before the change (``current``).
    """
    if actor is not None:
        _refuse_unless(current(actor), role)


def require_exactly(actor: m.Staff | None, role: str) -> None:
    """Refuse unless the account holds ``role`` itself, not a higher rank (nor the command line): for a duty
    that is not a right of rank, such as who may see the care tags (an administrator keeps the PCs running
    and must not be able to give himself sight of supervision tags)."""
    account = current(actor) if actor is not None else None
    _refuse_unless(account, role)
    if account.role != role:  # type: ignore[union-attr]
        raise PermissionDenied(f"此项只能由{ROLE_NAMES[role]}办理。")


def require_as_signed_in(actor: m.Staff | None, role: str) -> None:
    """``require`` from the rights the account had when it signed in, without reading the database.

    Only for a restore: the database it replaces may be damaged, and opening a damaged SQLite file can
    discard the journal beside it (saves not yet written into the file), which the restore keeps.
    """
    if actor is not None:
        _refuse_unless(actor, role)


def _refuse_unless(account: m.Staff | None, role: str) -> None:
    if account is None or not account.active:
        raise PermissionDenied("该账号已停用，不能再办理业务，请联系管理员。")
    if not reaches(account.role, role):
        raise PermissionDenied(f"您的角色（{ROLE_NAMES.get(account.role, account.role)}）无权进行此操作，需要{ROLE_NAMES[role]}权限。")
