"""The 网格事件 page with the keyboard alone in a 1366×768 window: register → assign → 销号 → 回访."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gridstation.core.events import rules
from gridstation.core.events.register import get_event, history
from gridstation.core.rules import clock
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.events.event_dialogs import EventDetailDialog, RegisterEventDialog
from gridstation.ui.events.events_page import EventsPage
from tests.conftest import pdf_text
from tests.helpers import activate, person_of, type_text


@pytest.fixture
def page(qtbot, db_path, head, clerk):
    m.Grid.create(name="第一网格", worker=clerk)
    person_of(clerk)  # events are assigned to people of the register: the clerk is one
    widget = EventsPage(AppContext(target=str(db_path), staff=head))
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    activate(qtbot, widget)
    yield widget
    for top in QApplication.topLevelWidgets():
        if top is not widget and top.isVisible():
            top.close()


def choose(qtbot, combo, text: str) -> None:
    """Pick an entry by pressing Down from the first one, as staff do."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == text:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == text


def dialog_of(page, kind):
    found = [d for d in page.findChildren(kind) if d.isVisible()]
    assert len(found) == 1
    return found[0]


def open_register(qtbot, page) -> RegisterEventDialog:
    """F4 on the page opens the register dialog, active for typing."""
    qtbot.keyClick(page.ui.numberEdit, Qt.Key.Key_F4)
    dialog = dialog_of(page, RegisterEventDialog)
    activate(qtbot, dialog)
    return dialog


def test_register_assign_close_and_call_back_by_keyboard(qtbot, page, clerk, tmp_path):
    dialog = open_register(qtbot, page)
    choose(qtbot, dialog.categoryCombo, "民生诉求")
    choose(qtbot, dialog.sourceCombo, rules.RESIDENT_REPORT)
    choose(qtbot, dialog.gridCombo, "第一网格")
    type_text(qtbot, dialog.placeEdit, "星体花园3栋2单元")
    type_text(qtbot, dialog.descriptionEdit, "单元门禁损坏，老人进出不便")
    type_text(qtbot, dialog.reporterNameEdit, "张三")
    # A wrong phone is refused in Chinese and nothing is stored.
    type_text(qtbot, dialog.reporterPhoneEdit, "12345")
    qtbot.keyClick(dialog.reporterPhoneEdit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "联系电话" in dialog.messageLabel.text() and m.GridEvent.select().count() == 0
    qtbot.keyClick(dialog.reporterPhoneEdit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, dialog.reporterPhoneEdit, "13812345678")
    qtbot.keyClick(dialog.reporterPhoneEdit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    event = m.GridEvent.get()
    assert (event.category, event.source, event.grid.name) == ("民生诉求", rules.RESIDENT_REPORT, "第一网格")
    # The open list shows it with the reporter's phone masked.
    texts = [page.model.data(page.model.index(0, c)) for c in range(page.model.columnCount())]
    assert event.number in texts and "张三 138****5678" in texts and "13812345678" not in " ".join(texts)

    # Typing (or scanning) the number opens it.
    activate(qtbot, page)
    qtbot.keyClick(page.ui.numberEdit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, page.ui.numberEdit, event.number.lower())
    qtbot.keyClick(page.ui.numberEdit, Qt.Key.Key_Return)
    detail = dialog_of(page, EventDetailDialog)
    activate(qtbot, detail)
    choose(qtbot, detail.actionCombo, "分派")
    choose(qtbot, detail.assigneeCombo, "王小红")
    qtbot.keyClick(detail.assigneeCombo, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert get_event(event.number).assigned_to == person_of(clerk)

    choose(qtbot, detail.actionCombo, "销号")
    qtbot.keyClick(detail.actionCombo, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "请填写处置结果" in detail.messageLabel.text()
    type_text(qtbot, detail.textEdit, "物业已更换门禁")
    qtbot.keyClick(detail.textEdit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert get_event(event.number).status == rules.CLOSED

    choose(qtbot, detail.actionCombo, "回访")
    type_text(qtbot, detail.textEdit, "满意，门禁好用了")
    qtbot.keyClick(detail.textEdit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    done = get_event(event.number)
    assert done.visit_view == "满意，门禁好用了"
    assert [s.action for s in history(done)] == ["登记", "分派", "销号", "回访"]
    assert "回访：满意，门禁好用了" in detail.summaryLabel.text()
    detail.grab().save(str(tmp_path / "event-detail.png"))
    qtbot.keyClick(detail, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not detail.isVisible())
    # Closed: out of the open list, in the closed list.
    assert page.model.rowCount() == 0
    activate(qtbot, page)
    choose(qtbot, page.ui.listCombo, "已销号事件")
    assert page.model.rowCount() == 1


def test_a_wrong_or_unknown_number_says_so(qtbot, page):
    type_text(qtbot, page.ui.numberEdit, "SJ2026")
    qtbot.keyClick(page.ui.numberEdit, Qt.Key.Key_Return)
    assert "SJ 加日期和至少 4 位序号" in page.ui.messageLabel.text()
    qtbot.keyClick(page.ui.numberEdit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, page.ui.numberEdit, "SJ209901010001")
    qtbot.keyClick(page.ui.numberEdit, Qt.Key.Key_Return)
    assert "找不到编号为“SJ209901010001”的网格事件" in page.ui.messageLabel.text()


def test_ctrl_6_opens_the_events_page_in_the_main_window(qtbot, db_path, head):
    from gridstation.ui.window.main_window import MainWindow

    window = MainWindow(AppContext(target=str(db_path), staff=head))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.ui.pageStack.currentWidget(), EventsPage)


def test_a_mediation_with_its_agreement_by_keyboard(qtbot, page, tmp_path):
    dialog = open_register(qtbot, page)
    choose(qtbot, dialog.categoryCombo, "矛盾纠纷")
    type_text(qtbot, dialog.descriptionEdit, "楼上漏水引发邻里纠纷")
    qtbot.keyClick(dialog.descriptionEdit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    number = m.GridEvent.get().number
    activate(qtbot, page)
    assert page.ui.numberEdit.text() == number and page.ui.numberEdit.hasFocus()  # Enter opens the new event
    qtbot.keyClick(page.ui.numberEdit, Qt.Key.Key_Return)
    detail = dialog_of(page, EventDetailDialog)
    activate(qtbot, detail)

    def step(action: str, text: str = "", **fields: str) -> None:
        choose(qtbot, detail.actionCombo, action)
        for name, value in fields.items():
            edit = getattr(detail, name)
            qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            type_text(qtbot, edit, value)
        if text:
            type_text(qtbot, detail.textEdit, text)
        qtbot.keyClick(detail.actionCombo, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    step("调解", "双方陈述", placeEdit="调解室", mediatorsEdit="王调解员")
    assert "至少两人" in detail.messageLabel.text()
    step("添加当事人", "星体花园3栋501", partyNameEdit="张三", partyPhoneEdit="13812345678")
    step("添加当事人", "星体花园3栋601", partyNameEdit="李四", partyPhoneEdit="13900001111")
    # the refused 调解's text stayed with 调解: it did not become 张三's address
    assert sorted(p.address for p in m.EventParty.select()) == ["星体花园3栋501", "星体花园3栋601"]
    step("调解", "双方到场陈述漏水经过", placeEdit="社区人民调解室", mediatorsEdit="王调解员")
    qtbot.keyClick(detail.actionCombo, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert "没有调解成功" in detail.messageLabel.text() and detail.agreement_pdf is None
    step("调解成功", "李四于12月10日前修复防水层并赔偿张三800元。")
    event = get_event(number)
    assert event.mediation_outcome == rules.MEDIATION_SUCCESS and event.route == rules.IN_GRID
    qtbot.keyClick(detail.actionCombo, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert detail.agreement_pdf is not None
    text = pdf_text(detail.agreement_pdf)
    assert "人民调解协议书" in text and "李四于12月10日前修复防水层并赔偿张三800元。" in text and "138****5678" in text
    preview = next(top for top in QApplication.topLevelWidgets()
                   if top.isVisible() and top.windowTitle() == f"打印预览 · 人民调解协议书 {number}")
    activate(qtbot, preview)
    qtbot.keyClick(preview, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not preview.isVisible())
    recorded = [a.action for a in m.AuditLog.select().where(m.AuditLog.entity_id == number)]
    assert "预览调解协议书" in recorded and "打印调解协议书" not in recorded  # closed unprinted (issue 23.3)
    activate(qtbot, detail)
    step("销号", "调解成功，已签协议")
    assert get_event(number).status == rules.CLOSED
    detail.grab().save(str(tmp_path / "mediation.png"))


def test_another_windows_event_reaches_this_list(qtbot, page, clerk):
    """A save elsewhere is an audit entry in the "events" area; the live poll's signal reloads the list."""
    from gridstation.core.events.register import EventInput, register_event
    from gridstation.core.station import changes, printouts

    cursor = changes.latest()
    event = register_event(clerk, EventInput("其他", rules.NORMAL, "另一个窗口登记的事件", rules.PATROL))
    seen = changes.changes_since(cursor)
    assert seen.areas == {"events"}
    printouts.record(clerk, printouts.AGREEMENT, event.number, printed=True)
    assert changes.changes_since(seen.cursor).areas == frozenset()  # a print changes nothing on screen
    assert page.model.rowCount() == 0
    for area in seen.areas:
        page.ctx.bus.data_changed.emit(area)
    assert page.model.rowCount() == 1


def test_a_photo_after_typed_as_a_path_lets_an_environment_event_close(qtbot, page, tmp_path):
    picture = tmp_path / "after.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(40)))
    dialog = open_register(qtbot, page)
    choose(qtbot, dialog.categoryCombo, "环境卫生")
    type_text(qtbot, dialog.descriptionEdit, "楼道堆放杂物")
    qtbot.keyClick(dialog.descriptionEdit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    activate(qtbot, page)
    qtbot.keyClick(page.ui.numberEdit, Qt.Key.Key_Return)
    detail = dialog_of(page, EventDetailDialog)
    activate(qtbot, detail)
    choose(qtbot, detail.actionCombo, "销号")
    type_text(qtbot, detail.textEdit, "已清理")
    qtbot.keyClick(detail.textEdit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "请先添加处置后的照片" in detail.messageLabel.text()
    choose(qtbot, detail.actionCombo, "处置后照片")
    type_text(qtbot, detail.photoEdit, str(tmp_path / "nothing.png"))
    qtbot.keyClick(detail.photoEdit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "找不到照片文件" in detail.messageLabel.text()
    qtbot.keyClick(detail.photoEdit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, detail.photoEdit, str(picture))
    qtbot.keyClick(detail.photoEdit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "处置后 1 张" in detail.summaryLabel.text()
    choose(qtbot, detail.actionCombo, "销号")
    type_text(qtbot, detail.textEdit, "已清理")
    qtbot.keyClick(detail.textEdit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert m.GridEvent.get().status == rules.CLOSED


def test_the_head_edits_categories_and_partners_by_keyboard(qtbot, page, clerk, db_path):
    from gridstation.core.events import lists
    from gridstation.ui.events.event_lists_dialog import EventListsDialog

    qtbot.keyClick(page.ui.numberEdit, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    dialog = dialog_of(page, EventListsDialog)
    activate(qtbot, dialog)
    type_text(qtbot, dialog.nameEdit, "噪音扰民")
    qtbot.keyClick(dialog.nameEdit, Qt.Key.Key_Tab)
    qtbot.keyClick(dialog.normalSpin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.normalSpin, "2")
    qtbot.keyClick(dialog.normalSpin, Qt.Key.Key_Tab)
    qtbot.keyClick(dialog.urgentSpin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.urgentSpin, "3")
    qtbot.keyClick(dialog.urgentSpin, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "紧急事件的时限不能长于一般事件" in dialog.messageLabel.text()
    qtbot.keyClick(dialog.urgentSpin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.urgentSpin, "1")
    qtbot.keyClick(dialog.urgentSpin, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = lists.category("噪音扰民")
    assert (saved.normal_days, saved.urgent_days, saved.active) == (2, 1, True)
    type_text(qtbot, dialog.partnerEdit, "供电所")
    qtbot.keyClick(dialog.partnerEdit, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert "供电所" in [p.name for p in lists.partners()]
    # A clerk's page has no button, and the service refuses a clerk anyway.
    clerk_page = EventsPage(AppContext(target=str(db_path), staff=clerk))
    qtbot.addWidget(clerk_page)
    assert not clerk_page.ui.listsButton.isVisibleTo(clerk_page)


def test_the_daily_log_lists_the_diary_of_the_signed_in_persons_grid(qtbot, page, head):
    """Ctrl+J still opens 民情日志: now the grid workers' own diary, the signed-in account's person chosen."""
    from gridstation.core.grids import diary, people
    from gridstation.core.grids.diary import DiaryInput
    from gridstation.core.grids.people import PersonInput, RoleInput
    from gridstation.ui.events.daily_log_dialog import DailyLogDialog

    li = people.add_person(head, PersonInput("李站长", staff_id=head.id))
    people.assign_role(head, li.id, RoleInput("网格长", grid="第一网格", started_on=clock.today()))
    diary.write_entry(head, DiaryInput(li.id, clock.today(), "井盖松动"))
    qtbot.keyClick(page.ui.numberEdit, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    log = dialog_of(page, DailyLogDialog)
    activate(qtbot, log)
    assert (log.personCombo.currentText(), log.gridCombo.currentText()) == ("李站长", "第一网格")
    assert [log.model.row_at(r).seen for r in range(log.model.rowCount())] == ["井盖松动"]
    assert "共 1 条" in log.countLabel.text()


def test_a_reporter_and_residents_involved_come_from_the_register(qtbot, page, admin):
    from gridstation.core.events.register import parties_of
    from gridstation.core.intake import residents
    from tests.helpers import make_id

    zhang = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id(), phone="13812345678"))
    li = residents.save_resident(admin, residents.ResidentInput(name="李四", doc_number=make_id(seq="113"),
                                                                phone="13900001111"))
    dialog = open_register(qtbot, page)
    choose(qtbot, dialog.sourceCombo, rules.RESIDENT_REPORT)
    type_text(qtbot, dialog.descriptionEdit, "楼上装修噪音")
    for initials in ("zs", "ls"):
        type_text(qtbot, dialog.picker.edit, initials)
        qtbot.keyClick(dialog.picker.edit, Qt.Key.Key_Return)
    assert "反映人 张三" in dialog.peopleLabel.text() and "涉及 李四" in dialog.peopleLabel.text()
    assert "13812345678" not in dialog.peopleLabel.text()
    qtbot.keyClick(dialog.picker.edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    event = m.GridEvent.get()
    assert [p.resident_id for p in parties_of(event, rules.REPORTER)] == [zhang.id]
    assert [(p.role, p.resident_id) for p in parties_of(event)] == [(rules.REPORTER, zhang.id), (rules.INVOLVED, li.id)]


def test_enter_in_a_field_presses_no_button(qtbot, page):
    """Enter in the detail's fields must not open the photo chooser or run a step."""
    from gridstation.core.events.register import EventInput, register_event

    number = register_event(None, EventInput("其他", rules.NORMAL, "问题", rules.PATROL)).number
    type_text(qtbot, page.ui.numberEdit, number)
    qtbot.keyClick(page.ui.numberEdit, Qt.Key.Key_Return)
    detail = dialog_of(page, EventDetailDialog)
    activate(qtbot, detail)
    choose(qtbot, detail.actionCombo, "处置后照片")
    type_text(qtbot, detail.photoEdit, "x.png")
    qtbot.keyClick(detail.photoEdit, Qt.Key.Key_Return)
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible() and w not in (page, detail)] == []
    assert detail.messageLabel.text() == "" and len(history(get_event(number))) == 1


def test_the_10000th_event_of_a_day_opens_from_the_number_box(qtbot, page, clerk):
    """Issue 22 item 11: the number widens (SJ + date + 10000) and the box still takes it."""
    from gridstation.core.events import numbering
    from gridstation.core.events.register import EventInput, register_event

    m.SerialCounter.create(scope=numbering.counter_scope(clock.today()), last=9999)
    event = register_event(clerk, EventInput("设施损坏", rules.NORMAL, "路灯不亮", rules.PATROL))
    type_text(qtbot, page.ui.numberEdit, event.number)
    qtbot.keyClick(page.ui.numberEdit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in page.findChildren(EventDetailDialog)))
    assert "SJ 加" not in page.ui.messageLabel.text()
