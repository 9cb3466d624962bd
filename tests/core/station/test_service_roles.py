"""Every write service checks its own role (issue 12 item 11): called directly, as a script or a
modified window would, each refuses the roles below its own, and nothing stored changes.

窗口人员-level services refuse a deactivated account and an account with no known role, which is
what "the lowest role" means there.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gridstation.core.intake import intakes, residents
from gridstation.core.ledgers import ledger_export
from gridstation.core.rules import clock
from gridstation.core.rules.errors import PermissionDenied
from gridstation.core.station import accounts, audit, backup, catalog, opening_days, printouts, roles, station
from gridstation.core.statistics import stats
from gridstation.core.storage import models as m
from gridstation.core.toolbox import lending, reservations, returns, tool_stocktake, tool_units
from tests.conftest import PASSWORD
from tests.helpers import make_id, snapshot


@pytest.fixture
def world(db_path, admin, tmp_path):
    """One of each thing a service can be asked to change, and a backup to restore."""
    person = residents.save_resident(admin, residents.ResidentInput(
        name="李四", doc_number=make_id("530111", "19500101", "033"), is_pensioner=True))
    intake = intakes.create_intake(admin, intakes.IntakeInput(person.id, "unemployment", details={"docs_checked": True}))
    drill = tool_units.save_kind(admin, tool_units.KindInput("电钻", "电动工具", 7, "0", "", []))
    unit = tool_units.add_units(admin, drill.id, 2)[0]
    spare = tool_units.save_kind(admin, tool_units.KindInput("扳手", "手动工具", 7, "0", "", []))  # no units: deletable
    loan = lending.lend(admin, person.id, [unit.asset_code])
    copy = backup.backup_site(admin, str(db_path), tmp_path / "usb").path
    return {"db": str(db_path), "person": person, "intake": intake, "drill": drill, "spare": spare, "unit": unit,
            "loan": loan, "copy": copy, "tmp": tmp_path, "admin": admin, "day": dt.date(2026, 12, 31)}


def _actor(kind: str, admin) -> m.Staff:
    role = {"deactivated": roles.CLERK, "no-role": roles.CLERK}.get(kind, kind)
    staff = accounts.create_staff(admin, f"u-{kind}", "某某", role, PASSWORD)
    if kind == "deactivated":
        accounts.set_active(admin, staff.id, False)
    if kind == "no-role":
        m.Staff.update(role="").where(m.Staff.id == staff.id).execute()
    return m.Staff.get_by_id(staff.id)


CLERK_LEVEL = {
    "save_resident": lambda a, w: residents.save_resident(a, residents.ResidentInput(name="王五", doc_number=make_id())),
    "create_intake": lambda a, w: intakes.create_intake(a, intakes.IntakeInput(
        w["person"].id, "unemployment", details={"docs_checked": True})),
    "change_status": lambda a, w: intakes.change_status(a, w["intake"].serial, intakes.IN_PROGRESS),
    "record_print": lambda a, w: printouts.record(a, printouts.RECEIPT, w["intake"].serial, printed=True),
    "record_certification": lambda a, w: intakes.record_certification(a, w["person"].id, clock.today().year, "窗口"),
    "lend": lambda a, w: lending.lend(a, w["person"].id, [tool_units.unit_rows(w["drill"].id, state="在库")[0].asset_code]),
    "return_unit": lambda a, w: returns.return_unit(a, w["unit"].asset_code),
    "expire_reservations": lambda a, w: reservations.expire_reservations(a),
    "stock_take": lambda a, w: tool_stocktake.stock_take(a, [w["unit"].asset_code]),
    "export_rows": lambda a, w: ledger_export.export_rows("residents", None, w["tmp"] / "居民.xlsx", actor=a),
    "backup_site": lambda a, w: backup.backup_site(a, w["db"]),
}
HEAD_LEVEL = {
    "save_kind": lambda a, w: tool_units.save_kind(a, tool_units.KindInput("梯子", "", 7, "0", "", [])),
    "delete_kind": lambda a, w: tool_units.delete_kind(a, w["spare"].id),
    "save_service": lambda a, w: catalog.save_service(a, code="new_service", name="新服务", promised_days=5, actions=["办理"],
                                                      fields=[]),
    "export_full_id": lambda a, w: ledger_export.export_rows("residents", None, w["tmp"] / "全.xlsx", True, actor=a),
    "record_report": lambda a, w: stats.record_report(a, "2026年1月", [w["tmp"] / "月度.pdf"]),
    "query_entries": lambda a, w: list(audit.query_entries(a)),
    "set_week": lambda a, w: opening_days.set_week(a, [0, 1, 2, 3, 4, 5], national=True),
    "set_day": lambda a, w: opening_days.set_day(a, w["day"], opening_days.CLOSED),
}
ADMIN_LEVEL = {
    "create_staff": lambda a, w: accounts.create_staff(a, "new", "新人", roles.ADMIN, PASSWORD),
    "reset_password": lambda a, w: accounts.reset_password(a, w["admin"].id, "another1"),
    "set_active": lambda a, w: accounts.set_active(a, w["admin"].id, False),
    "set_role": lambda a, w: accounts.set_role(a, w["admin"].id, roles.CLERK),
    "rename_staff": lambda a, w: accounts.rename_staff(a, w["admin"].id, "周红"),  # another's name
    "update_settings": lambda a, w: station.update_settings(a, {"station_name": "别的站"}),
    "choose_database": lambda a, w: station.choose_database(a, str(w["copy"])),
    "restore_file": lambda a, w: station.restore_file(a, w["db"], w["copy"]),
    "backup_elsewhere": lambda a, w: backup.backup_site(a, w["db"], w["tmp"] / "someone's-usb"),
}
CASES = ([(name, role) for name in CLERK_LEVEL for role in ("deactivated", "no-role")]
         + [(name, role) for name in HEAD_LEVEL for role in (roles.CLERK, "deactivated")]
         + [(name, role) for name in ADMIN_LEVEL for role in (roles.CLERK, roles.HEAD)])
SERVICES = {**CLERK_LEVEL, **HEAD_LEVEL, **ADMIN_LEVEL}


@pytest.mark.parametrize("service, role", CASES, ids=[f"{s}-{r}" for s, r in CASES])
def test_each_service_refuses_the_roles_below_its_own(world, service, role):
    actor = _actor(role, world["admin"])
    before = snapshot()
    files = sorted(p.name for p in Path(world["tmp"]).rglob("*"))
    with pytest.raises(PermissionDenied):
        SERVICES[service](actor, world)
    assert snapshot() == before
    assert sorted(p.name for p in Path(world["tmp"]).rglob("*")) == files


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_each_service_accepts_its_own_role(world, service, monkeypatch):
    monkeypatch.setenv("GRIDSTATION_DATA_DIR", str(world["tmp"] / "data"))  # choose_database records its choice there
    level = roles.CLERK if service in CLERK_LEVEL else roles.HEAD if service in HEAD_LEVEL else roles.ADMIN
    SERVICES[service](_actor(level, world["admin"]), world)


def test_a_screen_asks_the_same_rule_the_services_enforce(admin, head, clerk):
    """roles.allows answers what roles.require enforces: the buttons never re-derive a role check."""
    for staff in (admin, head, clerk):
        for role in (roles.CLERK, roles.HEAD, roles.ADMIN):
            try:
                roles.require(staff, role)
                enforced = True
            except PermissionDenied:
                enforced = False
            assert roles.allows(staff, role) is enforced, (staff.role, role)
    assert [roles.allows(head, r) for r in (roles.CLERK, roles.HEAD, roles.ADMIN)] == [True, True, False]
    accounts.set_active(admin, clerk.id, False)
    assert not roles.allows(m.Staff.get_by_id(clerk.id), roles.CLERK)  # a deactivated account: no button
    assert roles.allows(None, roles.ADMIN)  # the command line, run by the site's administrator
    assert not roles.reaches("", roles.CLERK)  # nobody signed in
