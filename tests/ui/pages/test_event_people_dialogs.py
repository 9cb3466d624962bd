"""The events' dialogs choose people of the register by typing part of a name, at 1366×768 by keyboard: the
register dialog suggests the grid and its 网格长 from the place typed, and the clerk may choose another;
分派 and 调解 offer the register's people (none of them needs a login) and the partner units."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from gridstation.core.events import mediation, rules
from gridstation.core.events.register import EventInput, PartyInput, get_event, register_event
from gridstation.core.grids import people, places, register
from gridstation.core.grids import rules as grid_rules
from gridstation.core.grids.people import PersonInput, RoleInput
from gridstation.core.grids.places import BuildingInput
from gridstation.core.grids.register import GridInput
from gridstation.core.rules import clock
from gridstation.core.storage import models as m
from gridstation.ui.events.event_dialogs import EventDetailDialog
from tests.helpers import activate, type_text
from tests.ui.pages.test_events_page import choose, dialog_of, open_register
from tests.ui.pages.test_events_page import page as page  # noqa: F401 - the page fixture


@pytest.fixture
def register_people(head):
    """东区 (阳光小区3栋) with its 网格长 赵红 and 专职网格员 钱明, a 调解员 周调: none has a login."""
    register.add_grid(head, GridInput(name="东区"))
    places.add_building(head, BuildingInput("阳光小区", "3栋", "东区"))
    for name, role in (("赵红", grid_rules.GRID_HEAD), ("钱明", grid_rules.FULL_TIME), ("周调", grid_rules.MEDIATOR)):
        person = people.add_person(head, PersonInput(name))
        people.assign_role(head, person.id, RoleInput(role, grid="东区"))
    return {p.name: p for p in m.Person.select()}


def retype(qtbot, combo, text: str, *, pick: bool = False) -> None:
    """Select what the box shows and type part of a name over it, as staff do; ``pick``: then Down and Enter
    in the list of matches the typing left open, else Tab on (the typed part is settled when saved)."""
    combo.setFocus()
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, combo.lineEdit(), text)
    popup = combo.completer().popup()
    if pick:
        assert popup.isVisible() and popup.model().rowCount() >= 1
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    else:  # Tab goes to the open list, as the user's key does: it closes and the cursor moves on
        qtbot.keyClick(popup if popup.isVisible() else combo.lineEdit(), Qt.Key.Key_Tab)
        assert not popup.isVisible()


def test_the_place_suggests_the_grid_and_its_head_and_the_clerk_types_another(qtbot, page, register_people):  # noqa: F811
    dialog = open_register(qtbot, page)
    assert dialog.frameGeometry().height() <= 768 - 40
    choose(qtbot, dialog.categoryCombo, "设施损坏")
    type_text(qtbot, dialog.placeEdit, "阳光小区3号楼2单元")
    qtbot.keyClick(dialog.placeEdit, Qt.Key.Key_Tab)
    assert dialog.suggestionLabel.text() == "建议：东区，经办人 赵红（可以改选）"
    assert dialog.gridCombo.currentText() == "东区" and dialog.assigneeCombo.currentText() == "赵红 · 网格长 · 东区"
    type_text(qtbot, dialog.descriptionEdit, "路灯不亮")
    retype(qtbot, dialog.assigneeCombo, "钱", pick=True)  # the clerk knows better: 钱明 handles this one
    assert dialog.assigneeCombo.currentText() == "钱明 · 专职网格员 · 东区"
    retype(qtbot, dialog.finderCombo, "周")
    qtbot.keyClick(dialog.placeEdit, Qt.Key.Key_Tab)  # the place left again: the clerk's choice stays
    assert dialog.assigneeCombo.currentText() == "钱明 · 专职网格员 · 东区"
    qtbot.keyClick(dialog.descriptionEdit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    event = m.GridEvent.get()
    assert (event.grid.name, event.finder.name, event.assigned_to.name) == ("东区", "周调", "钱明")


def test_a_name_that_is_no_one_is_refused_and_nothing_is_stored(qtbot, page, register_people):  # noqa: F811
    dialog = open_register(qtbot, page)
    type_text(qtbot, dialog.descriptionEdit, "路灯不亮")
    retype(qtbot, dialog.assigneeCombo, "无名氏")
    qtbot.keyClick(dialog.descriptionEdit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "没有“无名氏”这个人员" in dialog.messageLabel.text() and m.GridEvent.select().count() == 0


def test_assign_and_mediate_by_typing_a_name_from_the_register(qtbot, page, clerk, register_people):  # noqa: F811
    found = clock.now() - dt.timedelta(hours=2)
    event = register_event(clerk, EventInput("矛盾纠纷", rules.NORMAL, "邻里漏水", rules.PATROL, found_at=found))
    for name, phone in (("甲方", "13900000001"), ("乙方", "13900000002")):
        mediation.add_party(clerk, event.number, PartyInput(name=name, phone=phone))
    page.ui.numberEdit.setText(event.number)
    qtbot.keyClick(page.ui.numberEdit, Qt.Key.Key_Return)
    detail = dialog_of(page, EventDetailDialog)
    activate(qtbot, detail)
    choose(qtbot, detail.actionCombo, "分派")
    labels = [detail.assigneeCombo.itemText(i) for i in range(detail.assigneeCombo.count())]
    assert labels[:3] == ["赵红 · 网格长 · 东区", "钱明 · 专职网格员 · 东区", "周调 · 调解员 · 东区"]
    assert "协作单位：物业" in labels and "协作单位：派出所" in labels  # one list: people and partner units
    retype(qtbot, detail.assigneeCombo, "钱明", pick=True)
    qtbot.keyClick(detail.textEdit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert get_event(event.number).assigned_to == register_people["钱明"]
    choose(qtbot, detail.actionCombo, "调解")
    assert detail.mediatorCombo.itemText(1) == "周调 · 调解员 · 东区"  # the 调解员 first, after 不指定
    retype(qtbot, detail.mediatorCombo, "周")
    type_text(qtbot, detail.textEdit, "双方到场陈述")
    qtbot.keyClick(detail.textEdit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    session = m.MediationSession.get()
    assert (session.mediator.name, session.mediators) == ("周调", "周调")
    assert "钱明" in detail.summaryLabel.text()


def test_the_list_filters_by_a_person_of_the_register(qtbot, register_people, clerk, page):  # noqa: F811
    found = clock.now() - dt.timedelta(hours=2)
    for text, finder in (("井盖松动", "钱明"), ("路灯不亮", "赵红")):
        register_event(clerk, EventInput("其他", rules.NORMAL, text, rules.PATROL, found_at=found,
                                         finder_id=register_people[finder].id))
    page.refresh()
    assert page.model.rowCount() == 2
    choose(qtbot, page.ui.workerCombo, "钱明 · 专职网格员 · 东区")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    shown = [page.model.data(page.model.index(0, c)) for c in range(page.model.columnCount())]
    assert "井盖松动" in shown


def test_a_place_changed_to_one_with_no_grid_withdraws_the_earlier_suggestion(qtbot, page, register_people):  # noqa: F811
    dialog = open_register(qtbot, page)
    type_text(qtbot, dialog.placeEdit, "阳光小区3栋")
    qtbot.keyClick(dialog.placeEdit, Qt.Key.Key_Tab)
    assert dialog.gridCombo.currentText() == "东区" and dialog.assigneeCombo.currentText().startswith("赵红")
    dialog.placeEdit.setFocus()
    qtbot.keyClick(dialog.placeEdit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, dialog.placeEdit, "星都国际22号楼")
    qtbot.keyClick(dialog.placeEdit, Qt.Key.Key_Tab)
    assert dialog.suggestionLabel.text() == "没有找到对应的网格，请自行选择网格和经办人"
    assert dialog.gridCombo.currentText() == "（未分网格）" and dialog.assigneeCombo.currentData() is None
    dialog.reject()
