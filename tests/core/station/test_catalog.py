"""Staff add services and fields by name alone: codes are made for them and never change."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from gridstation.core.rules.errors import DomainError
from gridstation.core.station import catalog
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.window.main_window import MainWindow
from tests.helpers import activate, type_text


def test_code_from_name_is_pinyin_and_unique():
    assert catalog.code_from_name("法律援助", set()) == "falvyuanzhu"
    assert catalog.code_from_name("法律援助", {"falvyuanzhu"}) == "falvyuanzhu_2"
    assert catalog.code_from_name("法律援助", {"falvyuanzhu", "falvyuanzhu_2"}) == "falvyuanzhu_3"
    assert catalog.code_from_name("\u201c4050\u201d社保补贴", set()) == "svc_4050shebaobutie"
    assert catalog.code_from_name("！！", set()) == "svc"
    long = catalog.code_from_name("中华人民共和国老年人权益保障法律咨询服务", set())
    assert len(long) <= 32 and long.isascii()


def test_new_service_and_fields_get_codes_from_their_names(head):
    svc = catalog.save_service(head, name="法律援助", promised_days=7, actions=["咨询"], fields=[
        {"label": "事由", "type": "text", "required": True}, {"label": "对方当事人", "type": "text"}])
    assert svc.code == "falvyuanzhu"
    assert [(f.key, f.label) for f in catalog.fields_of(svc)] == [("shiyou", "事由"), ("duifangdangshiren", "对方当事人")]
    # Renaming the service and a field keeps both codes: intakes and statistics refer to them.
    fields = [{"key": "shiyou", "label": "咨询事由", "type": "text"}, {"label": "事由", "type": "text"}]
    renamed = catalog.save_service(head, code=svc.code, name="法律咨询", promised_days=7, actions=[], fields=fields)
    assert renamed.id == svc.id and renamed.code == "falvyuanzhu"
    assert [(f.key, f.label) for f in catalog.fields_of(renamed)] == [("shiyou", "咨询事由"), ("shiyou_2", "事由")]
    again = catalog.save_service(head, name="法律援助", promised_days=3, actions=[], fields=[])
    assert again.code == "falvyuanzhu_2"


def test_builtin_codes_are_unchanged_and_names_stay_unique(head):
    codes = {svc.name: svc.code for svc in catalog.all_services()}
    assert codes["讨薪"] == catalog.WAGE and codes["失业证"] == catalog.UNEMPLOYMENT
    with pytest.raises(DomainError, match="已有“讨薪”"):
        catalog.save_service(head, name="讨薪", promised_days=3, actions=[], fields=[])
    with pytest.raises(DomainError, match="第 1 个字段的名称"):
        catalog.save_service(head, name="微心愿", promised_days=3, actions=[], fields=[{"label": " ", "type": "text"}])
    with pytest.raises(DomainError, match="两个字段都叫“备注”"):
        catalog.save_service(head, name="微心愿", promised_days=3, actions=[],
                             fields=[{"label": "备注", "type": "text"}, {"label": "备注", "type": "text"}])
    assert not m.ServiceType.select().where(m.ServiceType.name == "微心愿").exists()


def test_catalogue_and_service_dialog_show_no_codes(qtbot, db_path, admin):
    window = MainWindow(AppContext(target=str(db_path), staff=admin))
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("settings")
    table = page.ui.serviceTable
    cells = {table.item(r, c).text() for r in range(table.rowCount()) for c in range(table.columnCount())}
    headers = {table.horizontalHeaderItem(c).text() for c in range(table.columnCount())}
    assert not cells & {catalog.WAGE, catalog.PENSION, catalog.UNEMPLOYMENT, catalog.SUBSIDY_4050}
    assert not any("代码" in h for h in headers)

    dialog = page.edit_service(new=True)
    activate(qtbot, dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    fields = dialog.ui.fieldTable
    assert not any("代码" in t for t in texts[:-1] if "统一社会信用代码" not in t)
    assert not any("代码" in fields.horizontalHeaderItem(c).text() for c in range(fields.columnCount()))
    type_text(qtbot, dialog.ui.nameEdit, "微心愿")
    qtbot.mouseClick(dialog.ui.addFieldButton, Qt.MouseButton.LeftButton)
    fields.setFocus()
    qtbot.keyClick(fields, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    type_text(qtbot, editor, "心愿内容")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.mouseClick(dialog.ui.saveButton, Qt.MouseButton.LeftButton)
    assert dialog.ui.messageLabel.text() == ""
    svc = catalog.get_service("微心愿")
    assert svc.code == "weixinyuan"
    assert [(f.key, f.label) for f in catalog.fields_of(svc)] == [("xinyuanneirong", "心愿内容")]


def test_editing_a_builtin_service_keeps_its_code_field_keys_and_statistics(qtbot, db_path, admin):
    window = MainWindow(AppContext(target=str(db_path), staff=admin))
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("settings")
    before = catalog.get_service(catalog.WAGE)
    page.ui.serviceTable.selectRow(page.services.index(next(s for s in page.services if s.code == catalog.WAGE)))
    dialog = page.edit_service()
    activate(qtbot, dialog)
    dialog.ui.daysSpin.setValue(20)
    qtbot.mouseClick(dialog.ui.saveButton, Qt.MouseButton.LeftButton)
    assert dialog.ui.messageLabel.text() == ""
    after = catalog.get_service(catalog.WAGE)
    assert (after.id, after.code, after.promised_days) == (before.id, catalog.WAGE, 20)
    assert catalog.fields_of(after) == catalog.fields_of(before)  # keys, labels and stat roles unchanged
