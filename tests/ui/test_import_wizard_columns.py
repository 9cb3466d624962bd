"""The wizard's column-mapping step by keyboard alone at 1366×768: a column no alias knows is pointed at a
field, the preview says so, and the station's next ledger of that kind finds the column by itself."""

from __future__ import annotations

import openpyxl
from PySide6.QtCore import QPoint, Qt

from gridstation.core.ledgers import column_choices
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.ui.common.context import AppContext
from gridstation.ui.ledgers import import_wizard
from tests.helpers import show_at_counter_size, type_text

HEADERS = ["日期", "事件类型", "事件描述", "流转方式", "平台编号"]


def events_ledger(path, description):
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADERS)
    workbook.active.append(["2025-03-02 09:30", "民生诉求", description, "上报街道平台", "JD-1"])
    workbook.save(path)
    return path


def to_mapping(qtbot, ctx, path):
    wizard = show_at_counter_size(qtbot, import_wizard.open_import_wizard(ctx, None))
    wizard.ui.kindCombo.setFocus()
    while wizard.kind != "events":
        qtbot.keyClick(wizard.ui.kindCombo, Qt.Key.Key_Down)
    type_text(qtbot, wizard.ui.fileEdit, str(path))
    qtbot.keyClick(wizard.ui.fileEdit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.worker is None, timeout=30000)
    assert wizard.ui.pages.currentIndex() == import_wizard.MAPPING, wizard.ui.messageLabel.text()
    return wizard


def forward(qtbot, wizard):
    qtbot.keyClick(wizard.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.worker is None, timeout=30000)


def choose_and_import(qtbot, wizard, combo, column, line, created):
    """Choose the file's ``column`` in the field's drop-down by keyboard, check the preview's ``line``, import."""
    while not combo.currentText().endswith(column):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    forward(qtbot, wizard)
    assert wizard.preview is not None and not wizard.preview.problems, wizard.ui.messageLabel.text()
    assert line in wizard.ui.mappingText.toPlainText()
    forward(qtbot, wizard)
    assert wizard.report.written and wizard.report.created == created


def test_a_column_pointed_at_a_field_by_keyboard_is_imported_and_remembered(qtbot, db_path, admin, tmp_path):
    ctx = AppContext(target=str(db_path), staff=admin)
    wizard = to_mapping(qtbot, ctx, events_ledger(tmp_path / "一月.xlsx", "停水"))
    assert "“流转方式”" in wizard.ui.messageLabel.text()  # the page says which column nothing took
    route = wizard.combos["route"]
    for _ in range(60):  # Tab through the mapping page to the field the column holds
        if wizard.focusWidget() is route:
            break
        qtbot.keyClick(wizard.focusWidget(), Qt.Key.Key_Tab)
    assert wizard.focusWidget() is route
    viewport = wizard.ui.mappingTable.viewport()
    assert viewport.rect().contains(route.mapTo(viewport, QPoint(route.width() // 2, route.height() // 2)))
    assert route.mapTo(wizard, QPoint(0, 0)).y() + route.height() <= 768
    choose_and_import(qtbot, wizard, route, "流转方式", "“流转方式”列 → 处置方式（本次指定）", 1)
    assert settings.get(column_choices.setting_key("events")) == {"流转方式": "route"}
    assert m.GridEvent.get().route == "上报街道"

    again = to_mapping(qtbot, ctx, events_ledger(tmp_path / "二月.xlsx", "路灯不亮"))
    assert again.combos["route"].currentText() == "第4列：流转方式"
    forward(qtbot, again)
    assert "“流转方式”列 → 处置方式（上次导入时指定）" in again.ui.mappingText.toPlainText()
    forward(qtbot, again)
    assert again.report.written and m.GridEvent.get(m.GridEvent.description == "路灯不亮").route == "上报街道"


def test_the_mapping_page_names_each_sheets_real_columns_and_a_choice_keeps_the_other_sheets_own(
        qtbot, db_path, admin, tmp_path):
    workbook = openpyxl.Workbook()
    january = workbook.active
    january.title = "1月"
    for row in (["日期", "事件类型", "事件描述", "处置方式", "平台编号"],
                ["2025-01-02 09:30", "民生诉求", "停水", "上报街道", "JD-1"]):
        january.append(row)
    february = workbook.create_sheet("2月")
    for row in (["序号", "日期", "事件类型", "事件描述", "流转方式", "平台编号"],
                [1, "2025-02-03 10:00", "民生诉求", "路灯不亮", "上报街道平台", "JD-2"]):
        february.append(row)
    path = tmp_path / "两个月.xlsx"
    workbook.save(path)
    wizard = to_mapping(qtbot, AppContext(target=str(db_path), staff=admin), path)
    assert "工作表“2月”的“流转方式”" in wizard.ui.messageLabel.text()  # which sheet the column is on
    route = wizard.combos["route"]
    shown = [route.itemText(i) for i in range(route.count())]
    assert shown == ["（不导入）", "日期（“1月”第1列、“2月”第2列）", "事件类型（“1月”第2列、“2月”第3列）",
                     "事件描述（“1月”第3列、“2月”第4列）", "处置方式（“1月”第4列）",
                     "平台编号（“1月”第5列、“2月”第6列）", "序号（“2月”第1列）", "流转方式（“2月”第5列）"]
    assert route.currentText() == "处置方式（“1月”第4列）"
    route.setFocus()
    choose_and_import(qtbot, wizard, route, "流转方式（“2月”第5列）", "“流转方式”列 → 处置方式（工作表“2月”；本次指定）", 2)
    assert {e.description: e.route for e in m.GridEvent.select()} == {"停水": "上报街道", "路灯不亮": "上报街道"}
