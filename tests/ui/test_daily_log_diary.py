"""民情日志 at the counter, keys only, in a 1366×768 window: a clerk writes an entry for a person without a
login, lists it by grid and dates, makes it a grid event with one key and prints the month."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gridstation.core.grids import diary, people, register
from gridstation.core.grids.diary import DiaryInput
from gridstation.core.grids.people import PersonInput, RoleInput
from gridstation.core.grids.register import GridInput
from gridstation.core.intake import residents
from gridstation.core.rules import clock
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.common.pdf_preview import PdfPreviewDialog
from gridstation.ui.events.daily_log_dialog import DailyLogDialog
from gridstation.ui.events.events_page import EventsPage
from tests.conftest import pdf_text
from tests.helpers import activate, make_id, show_at_counter_size, type_text
from tests.ui.pages.test_events_page import choose

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
PNG = Path(os.environ.get("GRIDSTATION_PNG_DIR", "/tmp"))


@pytest.fixture
def zhang(admin):
    register.add_grid(admin, GridInput(name="第一网格"))
    register.add_grid(admin, GridInput(name="第二网格"))
    person = people.add_person(admin, PersonInput("张建国"))  # no login: the clerk keys his diary in
    people.assign_role(admin, person.id, RoleInput("兼职网格员", grid="第二网格", started_on=dt.date(2020, 1, 1)))
    return person


@pytest.fixture
def log(qtbot, db_path, clerk, zhang):
    page = show_at_counter_size(qtbot, EventsPage(AppContext(target=str(db_path), staff=clerk)))
    qtbot.keyClick(page.ui.numberEdit, Qt.Key.Key_J, CTRL)  # how the events page opens it, as before
    found = [d for d in page.findChildren(DailyLogDialog) if d.isVisible()]
    assert len(found) == 1
    activate(qtbot, found[0])
    yield found[0]
    for top in QApplication.topLevelWidgets():
        if top.isVisible():
            top.close()


def test_a_clerk_writes_for_a_person_without_login_lists_it_and_makes_it_an_event(qtbot, log, clerk, zhang):
    wang = residents.save_resident(clerk, residents.ResidentInput(name="王然", doc_number=make_id()))
    assert log.frameGeometry().height() <= 768 - 40
    qtbot.keyClick(log, Qt.Key.Key_W, ALT)
    assert log.focusWidget() is log.personCombo
    choose(qtbot, log.personCombo, "张建国")
    assert log.gridCombo.currentText() == "第二网格"  # the grid he serves, without choosing it
    qtbot.keyClick(log, Qt.Key.Key_S, CTRL)  # nothing seen: refused, the cursor where to write
    assert "所见所闻" in log.messageLabel.text() and log.focusWidget() is log.seenEdit
    type_text(qtbot, log.seenEdit, "5号楼楼道灯不亮")
    assert log.messageLabel.text() == ""  # the refusal goes as the field is fixed
    qtbot.keyClick(log, Qt.Key.Key_R, ALT)
    type_text(qtbot, log.picker.edit, "王然")
    qtbot.keyClick(log.picker.edit, Qt.Key.Key_Return)
    assert log.resident_id == wang.id and "王然" in log.residentLabel.text()
    qtbot.keyClick(log, Qt.Key.Key_H, ALT)
    type_text(qtbot, log.doneEdit, "已告知物业")
    log.grab().save(str(PNG / "daily-log-written.png"))
    qtbot.keyClick(log, Qt.Key.Key_S, CTRL)
    entry = m.DiaryEntry.get()
    assert (entry.person_id, entry.grid.name, entry.resident_id, entry.written_by_id) == (zhang.id, "第二网格", wang.id, clerk.id)
    assert "已保存 张建国" in log.messageLabel.text()
    # listed by grid and dates
    diary.write_entry(clerk, DiaryInput(zhang.id, clock.today(), "商铺占道", grid="第一网格"))
    choose(qtbot, log.gridFilter, "第二网格")
    assert [log.model.row_at(r).seen for r in range(log.model.rowCount())] == ["5号楼楼道灯不亮"]
    qtbot.keyClick(log, Qt.Key.Key_F, ALT)
    qtbot.keyClick(log.fromEdit, Qt.Key.Key_Home)
    qtbot.keyClicks(log.fromEdit, f"{clock.today() + dt.timedelta(days=1):%Y-%m-%d}")
    assert log.model.rowCount() == 0
    qtbot.keyClick(log.fromEdit, Qt.Key.Key_Home)
    qtbot.keyClicks(log.fromEdit, f"{clock.today().replace(day=1):%Y-%m-%d}")
    assert log.model.rowCount() == 1
    # one key makes it a grid event
    log.table.setFocus()
    qtbot.keyClick(log.table, Qt.Key.Key_Home)
    qtbot.keyClick(log, Qt.Key.Key_E, CTRL)
    entry = m.DiaryEntry.get_by_id(entry.id)
    assert entry.event is not None and entry.event.description == "5号楼楼道灯不亮"
    assert f"已转为网格事件 {entry.event.number}" in log.messageLabel.text()
    assert entry.event.number in log.model.data(log.model.index(0, 6))
    qtbot.keyClick(log.table, Qt.Key.Key_Home)  # another key: the next Ctrl+E is a new press
    qtbot.keyClick(log, Qt.Key.Key_E, CTRL)  # again: said, not doubled
    assert "已转为事件" in log.messageLabel.text() and m.GridEvent.select().count() == 1
    log.grab().save(str(PNG / "daily-log-listed.png"))


def test_without_an_entry_chosen_the_event_key_says_so(qtbot, log):
    log.table.clearSelection()
    log.table.setCurrentIndex(log.model.index(-1, -1))
    qtbot.keyClick(log, Qt.Key.Key_E, CTRL)
    assert log.messageLabel.text() == "请先在列表中选择一条民情日志。"


def test_a_month_of_a_grid_is_printed_with_preview(qtbot, log, clerk, zhang):
    for back in range(3):
        diary.write_entry(clerk, DiaryInput(zhang.id, clock.today().replace(day=1) + dt.timedelta(days=back),
                                            f"走访{back}户"))
    choose(qtbot, log.gridFilter, "第二网格")
    qtbot.keyClick(log, Qt.Key.Key_P, CTRL)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in log.findChildren(PdfPreviewDialog)))
    preview = next(d for d in log.findChildren(PdfPreviewDialog) if d.isVisible())
    shutil.copy(preview.path, PNG / "diary-month.pdf")
    said = pdf_text(preview.path)
    assert "民情日志" in said and "走访2户" in said and "第二网格" in said
    assert m.AuditLog.select().where(m.AuditLog.action == "预览民情日志").exists()


def test_the_person_box_starts_on_nobody_and_typing_a_name_takes_that_person(qtbot, log, admin, zhang):
    """Ctrl+S at once writes for no one (the clerk has no person of the register); a name typed, then Down and
    Enter as in the event dialogs, takes that person — never the next one in the list."""
    for name in ("于勇", "余珍珍", "白佳"):
        people.add_person(admin, PersonInput(name))
    log.close()
    log = DailyLogDialog(log.ctx, None)
    log.show()
    activate(qtbot, log)
    assert log.personCombo.currentText() == "（请选择）"
    type_text(qtbot, log.seenEdit, "楼道堆物")
    qtbot.keyClick(log, Qt.Key.Key_S, CTRL)
    assert "请选择写日志的人员" in log.messageLabel.text() and m.DiaryEntry.select().count() == 0
    qtbot.keyClick(log, Qt.Key.Key_W, ALT)
    type_text(qtbot, log.personCombo.lineEdit(), "于勇")
    qtbot.keyClick(log.personCombo.lineEdit(), Qt.Key.Key_Down)
    qtbot.keyClick(log.personCombo.lineEdit(), Qt.Key.Key_Return)
    qtbot.keyClick(log.personCombo.lineEdit(), Qt.Key.Key_Tab)
    assert log.personCombo.currentText() == "于勇"
    qtbot.keyClick(log, Qt.Key.Key_S, CTRL)
    assert m.DiaryEntry.get().person.name == "于勇"
    log.close()
