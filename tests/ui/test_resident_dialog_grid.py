"""The resident dialog's grid box chooses, never creates: the address places the resident where a building
matches; the clerk chooses only when none does. The resident's status is changed there too. Keys only."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from gridstation.core.grids import places, register
from gridstation.core.grids.places import BuildingInput
from gridstation.core.grids.register import GridInput
from gridstation.core.intake import residents
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.intake.resident_dialog import ResidentDialog
from tests.helpers import activate, make_id, show_at_counter_size, type_text
from tests.ui.pages.test_events_page import choose

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
PNG = Path(os.environ.get("GRIDSTATION_PNG_DIR", "/tmp"))


@pytest.fixture
def grids(admin):
    first = register.add_grid(admin, GridInput(name="第一网格"))
    second = register.add_grid(admin, GridInput(name="第二网格"))
    places.add_building(admin, BuildingInput("阳光小区", "3号楼", "第二网格"))
    return first, second


def open_dialog(qtbot, db_path, staff, resident=None) -> ResidentDialog:
    host = show_at_counter_size(qtbot, QWidget())
    dialog = ResidentDialog(AppContext(target=str(db_path), staff=staff), host, resident=resident)
    dialog.host = host  # the 1366×768 window stays while the dialog is used
    dialog.show()
    activate(qtbot, dialog)
    return dialog


def test_the_address_chooses_the_grid_and_typing_never_creates_one(qtbot, db_path, clerk, grids, tmp_path):
    dialog = open_dialog(qtbot, db_path, clerk)
    ui = dialog.ui
    assert not ui.gridCombo.isEditable()
    qtbot.keyClicks(ui.docEdit, make_id())
    qtbot.keyClick(dialog, Qt.Key.Key_N, ALT)
    type_text(qtbot, ui.nameEdit, "王然")
    ui.compoundEdit.setFocus()
    type_text(qtbot, ui.compoundEdit, "阳光小区")
    qtbot.keyClick(ui.compoundEdit, Qt.Key.Key_Tab)
    type_text(qtbot, ui.buildingEdit, "三栋")  # 3号楼 written another way
    assert ui.gridCombo.currentText() == "第二网格" and not ui.gridCombo.isEnabled()
    assert ui.gridNote.text() == "按地址属于 第二网格（WG002）　尚未安排网格员"
    dialog.grab().save(str(PNG / "resident-dialog-grid.png"))
    qtbot.keyClick(ui.buildingEdit, Qt.Key.Key_Backspace)
    qtbot.keyClick(ui.buildingEdit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(ui.buildingEdit, "9")
    type_text(qtbot, ui.buildingEdit, "号楼")  # no building of the register: the clerk chooses
    assert ui.gridCombo.isEnabled() and "请选择网格" in ui.gridNote.text()
    qtbot.keyClick(dialog, Qt.Key.Key_G, ALT)
    assert dialog.focusWidget() is ui.gridCombo
    qtbot.keyClicks(ui.gridCombo, "xinwangge")  # typing only searches the list; nothing new is made
    choose(qtbot, ui.gridCombo, "第一网格")
    qtbot.keyClick(dialog, Qt.Key.Key_S, CTRL)
    saved = m.Resident.get(m.Resident.name == "王然")
    assert saved.grid.name == "第一网格" and m.Grid.select().count() == 2


def test_a_clerk_records_a_move_out_in_the_resident_dialog(qtbot, db_path, clerk, grids):
    wang = residents.save_resident(clerk, residents.ResidentInput(name="王然", doc_number=make_id(),
                                                                  compound="阳光小区", building="3号楼"))
    dialog = open_dialog(qtbot, db_path, clerk, wang)
    ui = dialog.ui
    assert ui.gridCombo.currentText() == "第二网格" and ui.statusLabel.text() == "现状：在册"
    assert [ui.statusCombo.itemText(i) for i in range(ui.statusCombo.count())] == ["迁出", "死亡"]  # 在册 is the head's
    qtbot.keyClick(dialog, Qt.Key.Key_Z, ALT)
    choose(qtbot, ui.statusCombo, "迁出")
    qtbot.keyClick(dialog, Qt.Key.Key_T, CTRL)  # where to is missing: refused
    assert "迁往" in ui.messageLabel.text() and dialog.focusWidget() is ui.movedToEdit
    type_text(qtbot, ui.movedToEdit, "昆明市盘龙区")
    assert ui.messageLabel.text() == ""
    qtbot.keyClick(dialog, Qt.Key.Key_T, CTRL)
    assert m.Resident.get_by_id(wang.id).status == "迁出"
    assert "迁往 昆明市盘龙区" in ui.statusLabel.text()
    dialog.grab().save(str(PNG / "resident-dialog-status.png"))


def test_the_head_puts_a_resident_back_on_the_register(qtbot, db_path, head, clerk, grids):
    from gridstation.core.residents import status

    wang = residents.save_resident(clerk, residents.ResidentInput(name="王然", doc_number=make_id()))
    status.change_status(clerk, wang.id, "死亡")
    dialog = open_dialog(qtbot, db_path, head, m.Resident.get_by_id(wang.id))
    ui = dialog.ui
    assert ui.statusLabel.text().startswith("现状：死亡（")
    qtbot.keyClick(dialog, Qt.Key.Key_Z, ALT)
    choose(qtbot, ui.statusCombo, "在册")
    assert not ui.statusDateEdit.isEnabled() and not ui.movedToEdit.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_T, CTRL)
    assert m.Resident.get_by_id(wang.id).status == "在册" and ui.statusLabel.text() == "现状：在册"
