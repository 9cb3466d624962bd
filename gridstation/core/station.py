"""Opening a site's database: connect, create or upgrade the schema (after a backup), seed the catalogue."""

from __future__ import annotations

from dataclasses import dataclass

from gridstation.core import accounts, backup, catalog, schema, settings
from gridstation.core import db as dbmod
from gridstation.core import models as m
from gridstation.core.errors import DomainError


@dataclass(frozen=True)
class Opened:
    target: str
    version_before: int
    version_after: int


def open_site(target: str, *, create: bool = True) -> Opened:
    dbmod.open_database(target, create=create)

    def _backup() -> None:
        if not dbmod.is_url(target):
            backup.backup_sqlite(target, backup.default_backup_dir(target), label="before-upgrade")

    before, after = schema.ensure_schema(backup=_backup)
    if before != after:
        with dbmod.write_transaction():
            catalog.install_builtin()
    return Opened(target, before, after)


def is_initialised() -> bool:
    return m.Staff.select().where(m.Staff.role == accounts.ADMIN).exists()


def init_station(station_name: str, admin: str, password: str, *, address: str = "",
                 phone: str = "", serial_prefix: str | None = None) -> m.Staff:
    """First-run set-up: station details and the first administrator (or a password reset is refused)."""
    station_name = station_name.strip()
    if not station_name:
        raise DomainError("请输入服务站名称。")
    if serial_prefix is not None and not (serial_prefix.isalnum() and serial_prefix.isascii() and 1 <= len(serial_prefix) <= 6):
        raise DomainError("受理编号前缀应为1至6位字母或数字。")
    accounts.check_password_rules(password)
    with dbmod.write_transaction():
        settings.put("station_name", station_name)
        if address:
            settings.put("station_address", address)
        if phone:
            settings.put("station_phone", phone)
        if serial_prefix:
            settings.put("serial_prefix", serial_prefix.upper())
        existing = m.Staff.get_or_none(m.Staff.username == admin)
        if existing is None:
            staff = accounts.create_staff(None, admin, "管理员", accounts.ADMIN, password)
        else:
            staff = existing
    return staff
