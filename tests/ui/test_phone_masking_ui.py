"""Phones stay masked on the pension roster, the 居民 list and in the exports (the overdue list a clerk
exports, the residents and intakes ledgers); a look-up is audited, and only the head's full export has
them (issue 12, item 12; issue 22, item 9)."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gridstation.core.intake import intakes, residents
from gridstation.core.ledgers import ledger_read
from gridstation.core.ledgers.ledger_export import export_rows
from gridstation.core.ledgers.ledger_import import ImportOptions, run_import
from gridstation.core.rules import clock
from gridstation.core.rules.errors import PermissionDenied
from gridstation.core.station import catalog
from gridstation.core.storage import models as m
from gridstation.core.toolbox import lending, tool_units
from gridstation.ui.common.context import AppContext
from gridstation.ui.intake.intake_page import IntakePage
from gridstation.ui.intake.residents_page import ResidentsPage
from gridstation.ui.toolbox.tools_page import ToolsPage
from tests.helpers import make_id, show_at_counter_size

PHONE, MASKED = "13812345678", "138****5678"


@pytest.fixture
def pensioner(admin) -> m.Resident:
    return residents.save_resident(admin, residents.ResidentInput(
        name="赵老伯", doc_number=make_id("110105", "19450101", "011"), phone=PHONE, is_pensioner=True))


def roster_page(qtbot, db_path, staff) -> IntakePage:
    page = show_at_counter_size(qtbot, IntakePage(AppContext(target=str(db_path), staff=staff)))
    page.ui.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: page.roster_job is None, timeout=10_000)  # the roster is read in the background
    return page


def looks() -> int:
    return m.AuditLog.select().where(m.AuditLog.action == "查看电话").count()


def press_phone_button(qtbot, page) -> None:
    """Select the first row and press 查看电话 with the keyboard alone."""
    page.ui.rosterTable.setFocus()
    qtbot.keyClick(page.ui.rosterTable, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    page.ui.rosterPhoneButton.setFocus()
    qtbot.keyClick(page.ui.rosterPhoneButton, Qt.Key.Key_Space)


def test_the_roster_masks_phones_and_only_the_head_looks_one_up(qtbot, db_path, admin, clerk, head, pensioner):
    page = roster_page(qtbot, db_path, clerk)
    shown = [page.roster_model.index(0, c).data() for c in range(page.roster_model.columnCount())]
    assert MASKED in shown and PHONE not in " ".join(map(str, shown))
    press_phone_button(qtbot, page)
    assert PHONE not in page.ui.rosterSummary.text() and looks() == 0
    page.close()

    page = roster_page(qtbot, db_path, head)
    press_phone_button(qtbot, page)
    assert page.ui.rosterSummary.text() == f"赵老伯：{PHONE}"
    entry = m.AuditLog.select().where(m.AuditLog.action == "查看电话").get()
    assert (entry.username, entry.entity_id) == ("head", str(pensioner.id))
    page.close()
    for top in QApplication.topLevelWidgets():
        top.close()


def test_the_phone_service_checks_the_role_it_is_given(admin, clerk, head, pensioner):
    with pytest.raises(PermissionDenied):
        residents.reveal_phone(clerk, pensioner.id, role="head", why={"roster": 2025})
    assert looks() == 0
    assert residents.reveal_phone(head, pensioner.id, role="head", why={"roster": 2025}) == PHONE
    assert looks() == 1


def test_a_clerk_exports_the_overdue_list_with_masked_phones(qtbot, db_path, admin, clerk, pensioner, tmp_path):
    kind = tool_units.save_kind(admin, tool_units.KindInput("电钻", loan_days=3, deposit="0"))
    tool_units.add_units(admin, kind.id, codes=["GJ-0001"])
    lent = dt.datetime.combine(clock.today() - dt.timedelta(days=12), dt.time(10))
    lending.lend(admin, pensioner.id, ["GJ-0001"], lent_at=lent, due_date=lent.date() + dt.timedelta(days=2))
    page = show_at_counter_size(qtbot, ToolsPage(AppContext(target=str(db_path), staff=clerk)))
    out = page.overdue.export(tmp_path / "overdue.xlsx")
    cells = [str(c.value) for row in load_workbook(out).active.iter_rows() for c in row if c.value is not None]
    assert MASKED in cells and PHONE not in cells
    page.close()


def test_the_residents_page_masks_phones_and_a_look_is_audited(qtbot, db_path, clerk, pensioner):
    """Issue 22 item 9: the 居民 list showed every full number to whoever stood at the counter."""
    page = show_at_counter_size(qtbot, ResidentsPage(AppContext(target=str(db_path), staff=clerk)))
    page.refresh()
    shown = [page.model.index(0, c).data() for c in range(page.model.columnCount())]
    assert MASKED in shown and PHONE not in " ".join(map(str, shown)) and looks() == 0
    page.ui.residentTable.setFocus()
    qtbot.keyClick(page.ui.residentTable, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(page.ui.residentTable, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert page.ui.countLabel.text() == f"赵老伯：{PHONE}"
    entry = m.AuditLog.select().where(m.AuditLog.action == "查看电话").get()
    assert (entry.username, entry.entity_id) == ("clerk", str(pensioner.id))
    assert page.ui.revealPhoneButton.text().startswith("查看电话")
    page.close()


@pytest.mark.parametrize("kind, column", [("residents", "联系电话"), ("intakes", "联系电话")])
def test_default_exports_mask_phones_and_only_the_heads_full_export_has_them(db_path, clerk, head, pensioner,
                                                                             tmp_path, kind, column):
    intakes.create_intake(clerk, intakes.IntakeInput(pensioner.id, catalog.PENSION, "生存认证",
                                                     {"cert_year": str(clock.today().year), "way": "窗口"}))

    def phones(out, full: bool, actor) -> list[object]:
        export_rows(kind, None, out, full, actor=actor)
        rows = list(load_workbook(out).active.iter_rows(values_only=True))
        return [row[rows[0].index(column)] for row in rows[1:]]

    assert phones(tmp_path / "default.xlsx", False, clerk) == [MASKED]
    assert phones(tmp_path / "full.xlsx", True, head) == [PHONE]


def test_a_masked_phone_is_refused_by_the_import_naming_its_cell(db_path, clerk, pensioner, tmp_path):
    export_rows("residents", None, tmp_path / "r.xlsx", True, actor=m.Staff.get(m.Staff.username == "admin"))
    workbook = load_workbook(tmp_path / "r.xlsx")
    header = [c.value for c in workbook.active[1]]
    workbook.active.cell(2, header.index("联系电话") + 1, MASKED)
    workbook.save(tmp_path / "r.xlsx")
    report = run_import(ledger_read.open_ledger(tmp_path / "r.xlsx", "residents"), clerk, ImportOptions(dry_run=True))
    assert [(p.column, "已打码" in p.message) for p in report.problems] == [("联系电话", True)]
