"""The counter's main job, driven through the real widgets with the keyboard."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gridstation.core.intake import intakes, residents
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.intake.intake_page import IntakePage
from tests.conftest import pdf_text
from tests.helpers import activate, make_id, snapshot, type_text

ID = make_id("110105", "19800506", "028")  # a woman, 40+: meets the 4050 rule


@pytest.fixture
def page(qtbot, db_path, admin):
    widget = IntakePage(AppContext(target=str(db_path), staff=admin))
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    activate(qtbot, widget)
    yield widget
    wait_for_list(qtbot, widget)  # no background load left reading the database
    wait_for_roster(qtbot, widget)
    for top in QApplication.topLevelWidgets():
        if top is not widget and top.isVisible():
            top.close()


def wait_for_list(qtbot, page):
    """The intake list loads in the background: wait until the rows asked for are shown."""
    qtbot.waitUntil(lambda: not page.list_model.loading, timeout=10_000)


def wait_for_roster(qtbot, page):
    qtbot.waitUntil(lambda: page.roster_job is None, timeout=10_000)


def register_by_typing(qtbot, page, number=ID, name="张三", phone="13812345678"):
    dialog = page.register_resident("")
    activate(qtbot, dialog)
    type_text(qtbot, dialog.ui.docEdit, number)
    type_text(qtbot, dialog.ui.nameEdit, name)
    type_text(qtbot, dialog.ui.phoneEdit, phone)
    type_text(qtbot, dialog.ui.compoundEdit, "星天地")
    dialog.ui.pensionerCheck.setChecked(True)
    qtbot.keyClick(dialog.ui.nameEdit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    return dialog


def find_by_typing(qtbot, page, text):
    activate(qtbot, page)
    page.clear()
    type_text(qtbot, page.picker.edit, text)
    qtbot.keyClick(page.picker.edit, Qt.Key.Key_Return)


def save_by_keyboard(qtbot, page):
    activate(qtbot, page)
    qtbot.keyClick(page.ui.documentsEdit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def choose_service(page, name):
    page.ui.serviceCombo.setCurrentIndex(page.ui.serviceCombo.findText(name))


def test_typing_an_id_fills_birth_date_and_gender_and_refuses_a_bad_check_digit(qtbot, page):
    dialog = page.register_resident("")
    type_text(qtbot, dialog.ui.docEdit, ID[:-1] + ("0" if ID[-1] != "0" else "1"))
    assert f"最后一位应为 {ID[-1]}" in dialog.ui.docMessage.text()
    dialog.ui.docEdit.clear()
    type_text(qtbot, dialog.ui.docEdit, ID)
    assert dialog.ui.genderCombo.currentText() == "女"
    assert dialog.ui.birthEdit.date().toString("yyyy-MM-dd") == "1980-05-06"
    assert "校验通过" in dialog.ui.docMessage.text()
    dialog.reject()


def test_bad_phone_in_the_dialog_is_shown_and_nothing_is_stored(qtbot, page):
    before = snapshot()
    dialog = register_by_typing(qtbot, page, phone="12345")
    assert "联系电话" in dialog.ui.messageLabel.text() and dialog.isVisible()
    assert snapshot() == before
    dialog.reject()


def test_register_find_by_pinyin_and_receive_every_builtin_service(qtbot, page, tmp_path):
    dialog = register_by_typing(qtbot, page)
    assert not dialog.isVisible()
    assert page.resident is not None and page.resident.name == "张三"

    cases = [
        ("失业证", {"field_cert_no": "5301110099"}, {"field_docs_checked": True}),
        ("养老保险待遇资格认证", {"field_cert_year": "2026"}, {"field_way": "窗口"}),
        ("讨薪", {"field_employer": "昆明某劳务公司", "field_workers": "5", "field_amount_owed": "12000.50"}, {}),
        ("\u201c4050\u201d社保补贴", {"field_period": "2026年"}, {"field_insurance_kinds": "养老保险"}),
    ]
    serials = []
    for service, typed, picked in cases:
        find_by_typing(qtbot, page, "zs")
        assert page.resident is not None and page.resident.doc_number == ID
        choose_service(page, service)
        if service.startswith("\u201c4050"):
            assert "符合" in page.ui.eligibilityLabel.text()
        for name, text in typed.items():
            type_text(qtbot, page.fields.widgets[name.removeprefix("field_")], text)
        for name, value in picked.items():
            page.fields.set_value(name.removeprefix("field_"), value)
        save_by_keyboard(qtbot, page)
        assert "已保存" in page.ui.messageLabel.text(), page.ui.messageLabel.text()
        serial = page.last_intake.serial
        serials.append(serial)
        text = pdf_text(page.last_receipt)
        assert serial in text and service in text
        assert ID not in text and ID[6:14] not in text and ID[:6] + "********" + ID[-4:] in text
        assert "新亚洲体育城社区为民服务站" in text
    assert len(set(serials)) == 4
    # each receipt was previewed, none printed yet (issue 12.13: a preview is not a print)
    assert m.AuditLog.select().where(m.AuditLog.action == "预览回执").count() == 4
    assert m.AuditLog.select().where(m.AuditLog.action == "打印回执").count() == 0


def test_saving_without_a_resident_says_what_to_do(qtbot, page):
    before = snapshot()
    save_by_keyboard(qtbot, page)
    assert "请先查找或新增居民" in page.ui.messageLabel.text()
    assert snapshot() == before


def test_invalid_field_is_refused_in_the_page(qtbot, page, admin):
    r = residents.save_resident(admin, residents.ResidentInput(name="李四", doc_number=make_id(), phone="13900001111"))
    page.choose_resident(r.id)
    choose_service(page, "讨薪")
    type_text(qtbot, page.fields.widgets["employer"], "某公司")
    type_text(qtbot, page.fields.widgets["workers"], "3")
    type_text(qtbot, page.fields.widgets["amount_owed"], "-100")
    before = snapshot()
    save_by_keyboard(qtbot, page)
    assert "不能为负数" in page.ui.messageLabel.text()
    assert snapshot() == before


def test_walk_an_intake_through_each_status_in_the_detail_view(qtbot, page, admin):
    r = residents.save_resident(admin, residents.ResidentInput(name="王五", doc_number=make_id(), phone="13900001111"))
    intake = intakes.create_intake(admin, intakes.IntakeInput(r.id, "wage_claim", details={
        "employer": "某公司", "workers": "2", "amount_owed": "5000"}))
    page.ui.tabs.setCurrentIndex(1)
    page.ui.viewCombo.setCurrentIndex(page.ui.viewCombo.findText("全部在办"))
    wait_for_list(qtbot, page)
    assert page.list_model.rowCount() == 1
    dialog = page.open_detail(0)
    dialog.ui.statusCombo.setCurrentText("办理中")
    type_text(qtbot, dialog.ui.noteEdit, "已电话联系用人单位")
    qtbot.mouseClick(dialog.ui.applyButton, Qt.MouseButton.LeftButton)
    assert intakes.get_intake(intake.serial).status == "办理中"
    dialog.ui.statusCombo.setCurrentText("办结")
    qtbot.mouseClick(dialog.ui.applyButton, Qt.MouseButton.LeftButton)
    assert "办理结果" in dialog.ui.messageLabel.text()
    type_text(qtbot, dialog.ui.resultEdit, "已追回全部欠薪")
    dialog.completion.set_value("outcome", "协商解决")
    type_text(qtbot, dialog.completion.widgets["amount_recovered"], "5000")
    qtbot.mouseClick(dialog.ui.applyButton, Qt.MouseButton.LeftButton)
    done = intakes.get_intake(intake.serial)
    assert done.status == "办结" and done.amount_recovered_fen == 500000
    assert dialog.ui.historyTable.rowCount() == 3
    assert not dialog.ui.applyButton.isEnabled()


def test_roster_records_a_certification(qtbot, page, admin):
    r = residents.save_resident(admin, residents.ResidentInput(name="赵老伯", doc_number=make_id("110105", "19450101", "011"), is_pensioner=True))
    page.ui.tabs.setCurrentIndex(2)
    wait_for_roster(qtbot, page)
    assert page.roster_model.rowCount() == 1
    page.ui.rosterTable.selectRow(0)
    qtbot.mouseClick(page.ui.certifyButton, Qt.MouseButton.LeftButton)
    page.reload_roster()
    wait_for_roster(qtbot, page)
    assert page.roster_model.row_at(0).certified
    assert intakes.pension_roster(page.ui.yearSpin.value())[0].resident.id == r.id


def test_roster_keeps_the_selected_pensioner_through_a_certification(qtbot, page, admin):
    """The roster's rows are plain tuples, not models: the model still finds the clerk's pensioner
    again after the certification reloads it, though the row now reads 已认证."""
    for name, seq in (("赵老伯", "011"), ("钱阿婆", "022"), ("孙大爷", "031")):
        residents.save_resident(admin, residents.ResidentInput(name=name, doc_number=make_id("110105", "19450101", seq),
                                                               is_pensioner=True))
    page.ui.tabs.setCurrentIndex(2)
    wait_for_roster(qtbot, page)
    table = page.ui.rosterTable
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Down)  # the clerk walks to the second pensioner
    chosen = page.roster_model.row_at(table.currentIndex().row())
    assert isinstance(chosen.resident, intakes.RosterPerson) and not chosen.certified
    qtbot.mouseClick(page.ui.certifyButton, Qt.MouseButton.LeftButton)  # reloads the roster in view
    wait_for_roster(qtbot, page)
    now = page.roster_model.row_at(table.currentIndex().row())
    assert now.resident.id == chosen.resident.id and now.certified
    assert [page.roster_model.row_at(i.row()).resident.id for i in table.selectionModel().selectedRows()] == [now.resident.id]


def test_list_filters_by_staff_and_sorts_by_column(qtbot, page, admin, clerk):
    r1 = residents.save_resident(admin, residents.ResidentInput(name="阿大", doc_number=make_id(seq="101")))
    r2 = residents.save_resident(admin, residents.ResidentInput(name="赵二", doc_number=make_id(seq="103")))
    a = intakes.create_intake(admin, intakes.IntakeInput(r2.id, "unemployment", details={"docs_checked": True}))
    b = intakes.create_intake(clerk, intakes.IntakeInput(r1.id, "unemployment", details={"docs_checked": True}))
    page.ui.tabs.setCurrentIndex(1)
    page.ui.viewCombo.setCurrentIndex(page.ui.viewCombo.findText("全部在办"))
    page.ui.filterStaffCombo.setCurrentIndex(page.ui.filterStaffCombo.findData(clerk.id))
    wait_for_list(qtbot, page)
    assert [i.serial for i in page.list_model.rows] == [b.serial]
    page.ui.filterStaffCombo.setCurrentIndex(0)
    page.ui.intakeTable.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    wait_for_list(qtbot, page)
    assert [i.serial for i in page.list_model.rows] == [a.serial, b.serial]
    page.ui.intakeTable.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    wait_for_list(qtbot, page)
    assert [i.serial for i in page.list_model.rows] == [b.serial, a.serial]


def test_export_the_list_as_filtered_and_the_roster(qtbot, page, admin, tmp_path):
    from openpyxl import load_workbook

    r = residents.save_resident(admin, residents.ResidentInput(name="钱七", doc_number=make_id(seq="105"), is_pensioner=True))
    a = intakes.create_intake(admin, intakes.IntakeInput(r.id, "unemployment", details={"docs_checked": True}))
    intakes.create_intake(admin, intakes.IntakeInput(r.id, "subsidy_4050", details={"period": "2026年", "insurance_kinds": "养老保险"}))
    page.ui.tabs.setCurrentIndex(1)
    page.ui.filterServiceCombo.setCurrentIndex(page.ui.filterServiceCombo.findText("失业证"))
    out = page.export_list(tmp_path / "list.xlsx")
    cells = [str(c.value) for row in load_workbook(out).active.iter_rows() for c in row if c.value is not None]
    assert a.serial in cells and len([c for c in cells if c.startswith("SL")]) == 1
    assert r.doc_number not in cells and any("********" in c for c in cells)
    roster = page.export_roster(tmp_path / "roster.xlsx")
    assert "钱七" in [c.value for row in load_workbook(roster).active.iter_rows() for c in row]
    assert m.AuditLog.select().where(m.AuditLog.action == "导出").count() == 2


def test_a_catalogue_change_in_another_window_keeps_half_typed_fields(qtbot, page, head):
    from gridstation.core.station import catalog

    choose_service(page, "讨薪")
    type_text(qtbot, page.fields.widgets["employer"], "某公司")
    catalog.save_service(head, code="legal_aid", name="法律援助", promised_days=7, actions=["咨询"], fields=[])
    page.ctx.bus.data_changed.emit("settings")
    assert page.fields.widgets["employer"].text() == "某公司"
    assert page.ui.serviceCombo.findText("法律援助") >= 0



def service_widths(qtbot, page) -> set[int]:
    """The width of 查找居民 after each service in turn is chosen with the keyboard."""
    combo, widths = page.ui.serviceCombo, set()
    for _ in range(combo.count()):
        combo.setFocus()
        qtbot.keyClick(combo, Qt.Key.Key_Down)
        QApplication.processEvents()
        widths.add(page.ui.residentGroup.width())
    return widths


def test_the_split_stays_where_the_clerk_put_it_whatever_the_service(qtbot, page, tmp_path):
    """Each service has its own fields; the line between 查找居民 and 受理内容 followed the widest
    (the page is 1220 pixels wide in a 1366-pixel main window)."""
    from gridstation.ui.common.theme import apply_theme

    apply_theme(QApplication.instance())
    page.resize(1220, 728)
    register_by_typing(qtbot, page)
    QApplication.processEvents()
    assert service_widths(qtbot, page) == {page.ui.residentGroup.width()}
    split = page.ui.newSplitter
    split.setSizes([380, split.width() - 380])  # where the clerk dragged it
    QApplication.processEvents()
    placed = page.ui.residentGroup.width()
    assert service_widths(qtbot, page) == {placed}
    page.grab().save(str(tmp_path / "intake-split.png"))
