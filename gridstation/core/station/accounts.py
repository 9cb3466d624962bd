"""Staff accounts, passwords and roles. Role checks live here and in each service, not in buttons."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re

from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.person_names import clean_name
from gridstation.core.station import audit
from gridstation.core.station.roles import (
    ADMIN,
    CLERK,
    ROLE_NAMES,
    require,
)
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction

USERNAME = re.compile(r"[A-Za-z0-9._\-\u3400-\u4dbf\u4e00-\u9fff]+")

MIN_PASSWORD = 6
MAX_FAILURES = 5
LOCK_MINUTES = 5
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
# A hash of a password nobody has, with today's parameters: an unknown login name is checked against
# it so a refusal costs the same scrypt work as a wrong password and does not tell which names exist.
_DUMMY_HASH = ("scrypt$16384$8$1$67e1ad38f32acf629d3ffceed95e137c$"
               "f007afc28f4c21824810dd4a754b1f40a65d82d711055e29a5a7c666193571f0")


def hash_password(password: str) -> str:
    """scrypt with a random salt: slow enough to resist guessing, in the standard library."""
    salt = os.urandom(16)
    key = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${key.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, key = stored.split("$")
    except ValueError:
        return False
    got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    return hmac.compare_digest(got.hex(), key)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise DomainError(f"密码至少需要{MIN_PASSWORD}位。", field="password")


def check_display_name(name: str) -> str:
    """A staff member's name as printed (经办人): a person's name, at most 40 characters, never empty."""
    name = clean_name((name or "").strip(), limit=40, field="display_name")
    if not name:
        raise DomainError("请输入姓名。", field="display_name")
    return name


def check_username(raw: str) -> str:
    """A login name as stored: the names rule (no invisible or direction characters), then, being the
    identifier the audit log records and filters by, only letters (ASCII or Chinese), digits and . _ -,
    so no two accounts can look alike in the log."""
    username = clean_name((raw or "").strip(), limit=40, label="登录名", field="username")
    if not USERNAME.fullmatch(username):
        raise DomainError("登录名只能包含字母、汉字、数字和 . _ -，请修改后重新输入。", field="username")
    return username


def create_staff(
    actor: m.Staff | None, username: str, display_name: str, role: str, password: str
) -> m.Staff:
    require(actor, ADMIN)
    username = check_username(username)
    display_name = check_display_name((display_name or "").strip() or username)
    if role not in ROLE_NAMES:
        raise DomainError(f"未知角色：{role}。", field="role")
    check_password_rules(password)
    with write_transaction():
        if m.Staff.select().where(m.Staff.username == username).exists():
            raise DomainError(f"登录名“{username}”已被使用。", field="username")
        staff = m.Staff.create(
            username=username, display_name=display_name, role=role,
            password_hash=hash_password(password),
        )
        audit.record(actor, "新增人员", "staff", staff.id, after={"username": username, "role": role})
    return staff


def sign_in(username: str, password: str, *, now: dt.datetime | None = None) -> m.Staff:
    """The staff member, or a refusal that says why; failures count towards a five-minute lock.

    A failed attempt is committed (its count and audit entry) before the refusal is raised.
    """
    now = now or clock.now()
    refusal = ""
    with write_transaction():
        staff = m.Staff.get_or_none(m.Staff.username == username.strip())
        if staff is None:
            verify_password(password, _DUMMY_HASH)
            refusal, reason = "登录名或密码错误。", "无此用户"
        elif not staff.active:
            refusal, reason = "该账号已停用，请联系管理员。", "已停用"
        elif staff.locked_until and staff.locked_until > now:
            minutes = max(1, int((staff.locked_until - now).total_seconds() // 60) + 1)
            refusal, reason = f"密码连续错误{MAX_FAILURES}次，账号已锁定，请{minutes}分钟后再试。", "已锁定"
        elif not verify_password(password, staff.password_hash):
            refusal, reason = "登录名或密码错误。", "密码错误"
            staff.failed_attempts += 1
            if staff.failed_attempts >= MAX_FAILURES:
                staff.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
                staff.failed_attempts = 0
            staff.save()
        if refusal:
            audit.record(username, "登录失败", "staff", staff.id if staff else "", after={"reason": reason})
        else:
            staff.failed_attempts = 0
            staff.locked_until = None
            staff.save()
            audit.record(staff, "登录", "staff", staff.id)
    if refusal:
        raise DomainError(refusal)
    return staff


def change_own_password(actor: m.Staff, old: str, new: str) -> None:
    require(actor, CLERK)  # a deactivated account's open window keeps no rights, this one neither
    if not verify_password(old, actor.password_hash):
        raise DomainError("原密码不正确。", field="old_password")
    check_password_rules(new)
    with write_transaction():
        m.Staff.update(password_hash=hash_password(new)).where(m.Staff.id == actor.id).execute()
        audit.record(actor, "修改密码", "staff", actor.id)
    actor.password_hash = m.Staff.get_by_id(actor.id).password_hash


def reset_password(actor: m.Staff | None, staff_id: int, new: str) -> None:
    """An admin sets a new password for someone who forgot theirs; the lock is lifted too."""
    require(actor, ADMIN)
    check_password_rules(new)
    staff = _get_staff(staff_id)
    with write_transaction():
        m.Staff.update(password_hash=hash_password(new), failed_attempts=0, locked_until=None).where(
            m.Staff.id == staff.id).execute()
        audit.record(actor, "重置密码", "staff", staff.id, after={"username": staff.username})


def set_active(actor: m.Staff | None, staff_id: int, active: bool) -> None:
    """Deactivated staff cannot sign in but keep their history (nothing is deleted)."""
    require(actor, ADMIN)
    staff = _get_staff(staff_id)
    if actor is not None and staff.id == actor.id and not active:
        raise DomainError("不能停用自己的账号。")
    if not active:
        _keep_an_admin(staff)
    with write_transaction():
        m.Staff.update(active=active).where(m.Staff.id == staff.id).execute()
        audit.record(actor, "启用人员" if active else "停用人员", "staff", staff.id,
                     before={"active": staff.active}, after={"active": active})


def set_role(actor: m.Staff | None, staff_id: int, role: str) -> None:
    require(actor, ADMIN)
    if role not in ROLE_NAMES:
        raise DomainError(f"未知角色：{role}。")
    staff = _get_staff(staff_id)
    if role != ADMIN:
        _keep_an_admin(staff)
    with write_transaction():
        m.Staff.update(role=role).where(m.Staff.id == staff.id).execute()
        audit.record(actor, "修改角色", "staff", staff.id, before={"role": staff.role}, after={"role": role})


def rename_staff(actor: m.Staff | None, staff_id: int, display_name: str) -> m.Staff:
    """Correct the name that receipts and slips print as 经办人 (an administrator for anyone, anyone for
    themself): the first administrator was called 「管理员」 until someone could say who they are."""
    staff = _get_staff(staff_id)
    require(actor, CLERK if actor is not None and actor.id == staff.id else ADMIN)
    name = check_display_name(display_name)
    if name != staff.display_name:
        with write_transaction():
            m.Staff.update(display_name=name).where(m.Staff.id == staff.id).execute()
            audit.record(actor, "修改姓名", "staff", staff.id, before={"display_name": staff.display_name},
                         after={"display_name": name})
    return _get_staff(staff.id)


def _keep_an_admin(leaving: m.Staff) -> None:
    """Someone must always be able to manage accounts: the last active administrator stays one."""
    if leaving.role != ADMIN:
        return
    others = m.Staff.select().where((m.Staff.role == ADMIN) & m.Staff.active & (m.Staff.id != leaving.id)).count()
    if others == 0:
        raise DomainError("至少要保留一个启用的管理员账号。")


def _get_staff(staff_id: int) -> m.Staff:
    staff = m.Staff.get_or_none(m.Staff.id == staff_id)
    if staff is None:
        raise DomainError(f"找不到编号为 {staff_id} 的人员。")
    return staff


def all_staff() -> list[m.Staff]:
    return list(m.Staff.select().order_by(m.Staff.active.desc(), m.Staff.username))
