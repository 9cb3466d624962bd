"""Services answer to what staff write (schema 4): aliases seeded for new and upgraded stations,
edited in the catalogue's service dialog, and never shared by two services."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from gridstation.core.rules.errors import DomainError
from gridstation.core.station import catalog, schema, station
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.station.service_dialog import ServiceDialog
from tests.helpers import FIXTURES, activate, type_text


def builtin_aliases() -> dict[str, list[str]]:
    return {s.code: catalog.aliases_of(s) for s in catalog.all_services() if s.builtin}


def from_fixture(tmp_path: Path, version: int) -> Path:
    path = tmp_path / f"v{version}.db"
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / f"schema_v{version}.sql").read_text(encoding="utf-8"))
    conn.close()
    return path


def as_version_3(tmp_path: Path) -> Path:
    """A station as version 3 left it (the frozen fixture), with a service of its own."""
    path = from_fixture(tmp_path, 3)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO service_type (code, name, category, actions, promised_days, fields, active, builtin,"
                 " sort_order) VALUES ('legal_aid', '法律援助', '', '[]', 5, '[]', 1, 0, 50)")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("version", [1, 2, 3])
def test_an_older_station_is_upgraded_to_4_with_the_built_in_aliases(tmp_path, version):
    path = as_version_3(tmp_path) if version == 3 else from_fixture(tmp_path, version)
    opened = station.open_site(str(path))
    try:
        assert (opened.version_before, opened.version_after) == (version, schema.LATEST) and schema.LATEST >= 4
        assert len(list((tmp_path / "backups").glob("gridstation-*-before-upgrade.db"))) == 1
        assert builtin_aliases() == catalog.BUILTIN_ALIASES
        assert catalog.match_service("4050").code == catalog.SUBSIDY_4050
        assert catalog.match_service("讨要工资").code == catalog.WAGE
        if version == 3:
            assert catalog.aliases_of(catalog.get_service("legal_aid")) == []
        assert station.open_site(str(path)).version_before == schema.LATEST  # again: nothing to do
    finally:
        dbmod.close_database()


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_version_3_server_database_is_upgraded_with_playhouse_migrate(site_db):
    database = dbmod.current()
    database.execute_sql("ALTER TABLE service_type DROP COLUMN aliases")
    for table in schema.tables_at(schema.LATEST) - schema.tables_at(3):  # a version-3 server had none of these
        database.execute_sql(f'DROP TABLE IF EXISTS "{table}" CASCADE')
    database.execute_sql("UPDATE schema_version SET version = 3")
    dbmod.close_database()
    opened = station.open_site(site_db)
    assert (opened.version_before, opened.version_after) == (3, schema.LATEST)
    assert builtin_aliases() == catalog.BUILTIN_ALIASES


def test_a_new_station_has_the_built_in_aliases(db_path):
    assert builtin_aliases() == catalog.BUILTIN_ALIASES
    assert all(catalog.BUILTIN_ALIASES.values())


def test_an_alias_of_another_service_is_refused_and_repeats_are_dropped(db_path, admin):
    legal = catalog.save_service(admin, code="legal_aid", name="法律援助", promised_days=5, actions=[], fields=[],
                                 aliases=["法援", "法律咨询", "法援", " "])
    assert catalog.aliases_of(legal) == ["法援", "法律咨询"]
    assert catalog.match_service("法律咨询").code == "legal_aid"
    with pytest.raises(DomainError, match="已是业务“讨薪”的名称或简称"):
        catalog.save_service(admin, code="legal_aid", name="法律援助", promised_days=5, actions=[], fields=[],
                             aliases=["欠薪"])
    with pytest.raises(DomainError, match="业务名称“社保补贴”已是业务““4050”社保补贴”的名称或简称"):
        catalog.save_service(admin, code="subsidy_other", name="社保补贴", promised_days=5, actions=[], fields=[])
    kept = catalog.save_service(admin, code="legal_aid", name="法律援助（新）", promised_days=5, actions=[], fields=[])
    assert catalog.aliases_of(kept) == ["法援", "法律咨询"]  # not given: kept as they were


def test_the_service_dialog_edits_the_aliases_by_keyboard(qtbot, db_path, admin):
    service = catalog.get_service(catalog.WAGE)
    dialog = ServiceDialog(AppContext(target=str(db_path), staff=admin), None, service)
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    assert dialog.ui.aliasesEdit.text() == "、".join(catalog.BUILTIN_ALIASES[catalog.WAGE])
    dialog.ui.actionsEdit.setFocus()
    qtbot.keyClick(dialog.ui.actionsEdit, Qt.Key.Key_Tab)
    assert dialog.ui.aliasesEdit.hasFocus()
    qtbot.keyClick(dialog.ui.aliasesEdit, Qt.Key.Key_End)
    type_text(qtbot, dialog.ui.aliasesEdit, "、工资纠纷")
    dialog.ui.saveButton.setFocus()
    qtbot.keyClick(dialog.ui.saveButton, Qt.Key.Key_Space)
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.ui.messageLabel.text()
    assert catalog.match_service("工资纠纷").code == catalog.WAGE
    stored = json.loads(m.ServiceType.get(m.ServiceType.code == catalog.WAGE).aliases)
    assert stored[-1] == "工资纠纷"
    entry = m.AuditLog.select().where(m.AuditLog.action == "修改业务").order_by(m.AuditLog.id.desc()).get()
    assert "工资纠纷" in entry.after
