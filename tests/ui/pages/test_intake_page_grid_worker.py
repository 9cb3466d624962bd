"""The intake page names the chosen resident's grid and whom to call there (the phone only if consented);
the resident's record names them beside the grid box. Keys only, 1366×768."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from PySide6.QtCore import Qt

from gridstation.core.grids import people, places, register
from gridstation.core.grids.people import PersonInput, RoleInput
from gridstation.core.grids.places import BuildingInput
from gridstation.core.grids.register import GridInput
from gridstation.core.intake import residents
from gridstation.ui.common.context import AppContext
from gridstation.ui.intake.intake_page import IntakePage
from gridstation.ui.intake.resident_dialog import ResidentDialog
from tests.helpers import activate, make_id, show_at_counter_size, type_text
from tests.ui.pages.test_intake_page import wait_for_list, wait_for_roster

PNG = Path(os.environ.get("GRIDSTATION_PNG_DIR", "/tmp"))


def test_the_intake_page_shows_the_grid_and_its_grid_workers(qtbot, db_path, admin, clerk):
    register.add_grid(admin, GridInput(name="第一网格"))
    places.add_building(admin, BuildingInput("阳光小区", "3号楼", "第一网格"))
    zhang = people.add_person(admin, PersonInput("张建国", phone="13800001111", phone_public=True))
    li = people.add_person(admin, PersonInput("李红", phone="13900002222"))  # no consent: no phone shown
    for person in (zhang, li):
        people.assign_role(admin, person.id, RoleInput("专职网格员", grid="第一网格", started_on=dt.date(2020, 1, 1)))
    wang = residents.save_resident(clerk, residents.ResidentInput(name="王然", doc_number=make_id(),
                                                                  compound="阳光小区", building="三栋"))
    page = show_at_counter_size(qtbot, IntakePage(AppContext(target=str(db_path), staff=clerk)))
    try:
        type_text(qtbot, page.picker.edit, "王然")
        qtbot.keyClick(page.picker.edit, Qt.Key.Key_Return)
        card = page.ui.residentCard.text()
        assert "网格：第一网格（WG001）　网格员：张建国 13800001111、李红" in card
        assert "13900002222" not in card
        qtbot.wait(100)  # the card grows by a line once the layout has run
        page.grab().save(str(PNG / "intake-page-grid-worker.png"))
        record = ResidentDialog(page.ctx, page, resident=wang)
        record.show()
        activate(qtbot, record)
        assert record.ui.gridNote.text() == "按地址属于 第一网格（WG001）　网格员：张建国 13800001111、李红"
        record.grab().save(str(PNG / "resident-record-grid-worker.png"))
        record.done(0)
    finally:
        wait_for_list(qtbot, page)
        wait_for_roster(qtbot, page)


def test_a_resident_who_died_is_marked_in_the_search_list_and_on_the_card(qtbot, db_path, clerk):
    """The counter sees 死亡 before serving: the list line and the card say it (in red), and a name that looks
    like markup is shown as typed."""
    from gridstation.core.residents import status

    sun = residents.save_resident(clerk, residents.ResidentInput(name="孙强<i>", doc_number=make_id(seq="881")))
    status.change_status(clerk, sun.id, status.DECEASED, on=dt.date(2026, 1, 5))
    page = show_at_counter_size(qtbot, IntakePage(AppContext(target=str(db_path), staff=clerk)))
    try:
        type_text(qtbot, page.picker.edit, "孙强")
        qtbot.waitUntil(lambda: page.picker.results.count() == 1)
        assert "【死亡（2026-01-05）】" in page.picker.results.item(0).text()
        qtbot.keyClick(page.picker.edit, Qt.Key.Key_Return)
        card = page.ui.residentCard.text()
        assert "死亡（2026-01-05）" in card and "孙强&lt;i&gt;" in card
    finally:
        wait_for_list(qtbot, page)
        wait_for_roster(qtbot, page)
