"""The import wizard driven like staff use it: choose a file, check the mapping, see the bad rows, import, cancel."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from gridstation.core.intake import residents
from gridstation.core.ledgers.ledger_columns import KINDS
from gridstation.core.ledgers.ledger_import import SERVICE_MAP_SETTING
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.ui.common.context import AppContext
from gridstation.ui.events.events_page import EventsPage
from gridstation.ui.ledgers import import_wizard
from tests.helpers import activate, make_id, snapshot, type_text

HEADERS = ["姓名", "身份证号码", "手机号", "小区", "备注"]


def ledger(path, rows):
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADERS)
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def wizard(qtbot, db_path, admin):
    dialog = import_wizard.open_import_wizard(AppContext(target=str(db_path), staff=admin), None)
    qtbot.addWidget(dialog)
    yield dialog
    if dialog.worker is not None:
        dialog.worker.cancel()
        qtbot.waitUntil(lambda: dialog.worker is None, timeout=30000)


def idle(qtbot, wizard):
    qtbot.waitUntil(lambda: wizard.worker is None, timeout=30000)


def choose_file(qtbot, wizard, path):
    wizard.ui.kindCombo.setCurrentIndex(wizard.ui.kindCombo.findData("residents"))
    type_text(qtbot, wizard.ui.fileEdit, str(path))
    qtbot.mouseClick(wizard.ui.nextButton, Qt.MouseButton.LeftButton)
    idle(qtbot, wizard)
    assert wizard.ui.pages.currentIndex() == import_wizard.MAPPING, wizard.ui.messageLabel.text()


def preview(qtbot, wizard):
    qtbot.mouseClick(wizard.ui.nextButton, Qt.MouseButton.LeftButton)
    idle(qtbot, wizard)
    assert wizard.preview is not None, wizard.ui.messageLabel.text()


def test_choose_map_preview_bad_row_then_import_the_valid_rows(qtbot, wizard, tmp_path):
    zhang, li = make_id("110101", "19900307", "771"), make_id("110105", "19650812", "042")
    path = ledger(tmp_path / "居民台账.xlsx", [["张三", zhang, "13812345678", "星天地", "独居"],
                                            ["李四", li, "12345", "星天地", ""]])
    choose_file(qtbot, wizard, path)
    assert wizard.combos["doc_number"].currentText() == "第2列：身份证号码"
    assert wizard.combos["phone"].currentText() == "第3列：手机号"
    wizard.combos["notes"].setCurrentIndex(0)  # the user decides not to import 备注
    preview(qtbot, wizard)

    model = wizard.ui.previewTable.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["行号", "姓名", "身份证号码", "手机号", "小区", "问题"]
    phone = headers.index("手机号")
    assert model.data(model.index(0, phone), Qt.ItemDataRole.BackgroundRole) is None
    assert model.data(model.index(1, phone), Qt.ItemDataRole.BackgroundRole).color() == import_wizard.BAD_CELL
    assert model.data(model.index(1, 1), Qt.ItemDataRole.BackgroundRole).color() == import_wizard.BAD_ROW
    assert "第3行“手机号”列" in model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole)
    assert "格式不正确" in model.data(model.index(1, headers.index("问题")))
    wizard.ui.badOnlyCheck.setChecked(True)
    assert model.rowCount() == 1
    assert m.Resident.select().count() == 0  # the preview wrote nothing

    qtbot.mouseClick(wizard.ui.importButton, Qt.MouseButton.LeftButton)
    assert "只导入正确的行" in wizard.ui.messageLabel.text() and wizard.worker is None
    wizard.ui.validOnlyCheck.setChecked(True)
    with qtbot.waitSignal(wizard.finished_import, timeout=30000):
        qtbot.mouseClick(wizard.ui.importButton, Qt.MouseButton.LeftButton)
    idle(qtbot, wizard)
    assert wizard.report.written and "新增 1 条" in wizard.ui.resultSummary.text()
    assert "第3行“手机号”列" in wizard.ui.resultText.toPlainText()
    saved = residents.find_by_document(zhang)
    assert saved.name == "张三" and saved.notes == ""
    assert wizard.ui.cancelButton.text() == "关闭 (Esc)"


def test_cancelling_the_import_writes_nothing(qtbot, wizard, tmp_path):
    rows = [[f"居民{i}", make_id("110101", f"1980{1 + i // 1000:02d}01", f"{i % 1000:03d}"), "", "星天地", ""]
            for i in range(3000)]
    path = ledger(tmp_path / "big.xlsx", rows)
    choose_file(qtbot, wizard, path)
    preview(qtbot, wizard)
    assert not wizard.preview.problems
    before = snapshot()
    qtbot.mouseClick(wizard.ui.importButton, Qt.MouseButton.LeftButton)
    assert wizard.ui.cancelButton.text() == "取消 (Esc)" and wizard.ui.progressBar.isVisible()
    qtbot.mouseClick(wizard.ui.cancelButton, Qt.MouseButton.LeftButton)
    idle(qtbot, wizard)
    assert "已取消" in wizard.ui.resultSummary.text()
    assert wizard.report is None and snapshot() == before


def test_an_intake_ledger_shows_the_service_mapping_step_and_the_mapping_in_the_preview(qtbot, wizard, tmp_path):
    """Keyboard only: choose 受理台账, type the file, Enter; pick a service for the value nothing matches."""
    header = ["受理日期", "姓名", "身份证号", "业务类型", "状态", "办结日期", "办理结果"]
    zhang, li = make_id("110101", "19900307", "771"), make_id("110105", "19650812", "042")
    workbook = openpyxl.Workbook()
    workbook.active.title = "1月"
    workbook.active.append(header)
    workbook.active.append(["2025-01-06", "张三", zhang, "4050", "办结", "2025-01-10", "已办"])
    march = workbook.create_sheet("3月")
    march.append(["2025年3月"])
    march.append(header)
    march.append(["2025-03-02", "李四", li, "办证", "办结", "2025-03-03", "已发证"])
    march.append(["2025-03-02", "李四", li, "失业登记", "办结", "2025-03-03", "已发证"])
    path = tmp_path / "受理台账.xlsx"
    workbook.save(path)

    activate(qtbot, wizard)
    wizard.ui.kindCombo.setFocus()
    qtbot.keyClick(wizard.ui.kindCombo, Qt.Key.Key_Down)  # 居民台账 -> 受理台账
    assert wizard.kind == "intakes"
    type_text(qtbot, wizard.ui.fileEdit, str(path))
    qtbot.keyClick(wizard.ui.fileEdit, Qt.Key.Key_Return)
    idle(qtbot, wizard)
    assert wizard.ui.pages.currentIndex() == import_wizard.MAPPING, wizard.ui.messageLabel.text()
    table = wizard.ui.mappingTable
    notes = {table.item(r, 0).text(): table.item(r, 2).text() for r in range(table.rowCount())}
    assert notes["材料已核验"].endswith("失业证：新受理必填；已办结或今天以前受理的历史记录可不填")
    assert notes["认证年度"].endswith("养老保险待遇资格认证：必填（统计用）")
    wizard.ui.nextButton.setFocus()
    qtbot.keyClick(wizard.ui.nextButton, Qt.Key.Key_Space)
    idle(qtbot, wizard)
    # The values were matched: 4050 and 失业登记 by their aliases; 办证 waits for a choice.
    assert wizard.ui.pages.currentIndex() == import_wizard.MAPPING and wizard.ui.serviceTable.isVisible()
    assert "办证" in wizard.ui.messageLabel.text()
    combos = wizard.service_combos
    assert combos["4050"].currentText() == "\u201c4050\u201d社保补贴" and combos["失业登记"].currentText() == "失业证"
    unknown = combos["办证"]
    assert unknown.currentText() == import_wizard.CHOOSE_SERVICE and unknown.hasFocus()
    wizard.grab().save(str(tmp_path / "services.png"))
    qtbot.keyClick(unknown, Qt.Key.Key_Down)
    qtbot.keyClick(unknown, Qt.Key.Key_Down)  # past 不导入这些行, to the first service: 失业证
    assert unknown.currentText() == "失业证"
    wizard.ui.nextButton.setFocus()
    qtbot.keyClick(wizard.ui.nextButton, Qt.Key.Key_Space)
    idle(qtbot, wizard)
    assert wizard.preview is not None and not wizard.preview.problems, wizard.ui.messageLabel.text()

    text = wizard.ui.mappingText.toPlainText()
    assert "读取了工作表：“1月”（1行）、“3月”（2行）。" in text
    assert "“身份证号”列 → 身份证号" in text
    assert "“办证”（1行）→ 失业证（本次指定）" in text and "“4050”（1行）→ \u201c4050\u201d社保补贴（简称）" in text
    model = wizard.ui.previewTable.model()
    assert model.data(model.index(1, 0)) == "工作表“3月”第3行"
    wizard.grab().save(str(tmp_path / "preview.png"))

    with qtbot.waitSignal(wizard.finished_import, timeout=30000):
        wizard.ui.importButton.setFocus()
        qtbot.keyClick(wizard.ui.importButton, Qt.Key.Key_Space)
    idle(qtbot, wizard)
    assert wizard.report.written and wizard.report.created == 3 and wizard.report.registered == 2
    assert settings.get(SERVICE_MAP_SETTING) == {"办证": "unemployment"}


def test_keys_on_the_buttons_go_forward_back_and_close(qtbot, wizard, tmp_path):
    """Keyboard only: Enter is 下一步, Alt+← is 上一步, Esc is 取消, which closes the idle wizard."""
    path = ledger(tmp_path / "居民台账.xlsx", [["张三", make_id("110101", "19900307", "771"), "", "星天地", ""]])
    activate(qtbot, wizard)
    assert wizard.kind == "residents" and "(Enter)" in wizard.ui.nextButton.text()  # 居民台账 comes first
    type_text(qtbot, wizard.ui.fileEdit, str(path))
    qtbot.keyClick(wizard.ui.fileEdit, Qt.Key.Key_Return)
    idle(qtbot, wizard)
    assert wizard.ui.pages.currentIndex() == import_wizard.MAPPING and "(Alt+←)" in wizard.ui.backButton.text()
    with qtbot.waitSignal(wizard.ui.backButton.clicked, timeout=5000):
        qtbot.keyClick(wizard.focusWidget(), Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert wizard.ui.pages.currentIndex() == import_wizard.CHOOSE
    assert wizard.ui.cancelButton.text() == "取消 (Esc)"
    with qtbot.waitSignal(wizard.rejected, timeout=5000):
        qtbot.keyClick(wizard.focusWidget(), Qt.Key.Key_Escape)
    assert not wizard.isVisible()


@pytest.mark.parametrize(("button", "keys"), [("browseButton", "Ctrl+O"), ("templateButton", "Ctrl+T")])
def test_the_file_buttons_answer_the_keys_they_show(qtbot, wizard, button, keys):
    widget = getattr(wizard.ui, button)
    assert f"({keys})" in widget.text()
    widget.clicked.disconnect()  # the key is under test here, not the file dialog it opens
    activate(qtbot, wizard)
    wizard.ui.fileEdit.setFocus()
    key = Qt.Key.Key_O if keys == "Ctrl+O" else Qt.Key.Key_T
    with qtbot.waitSignal(widget.clicked, timeout=5000):
        qtbot.keyClick(wizard.ui.fileEdit, key, Qt.KeyboardModifier.ControlModifier)


def test_an_events_ledger_imported_by_keyboard_refreshes_the_events_list(qtbot, db_path, admin, tmp_path):
    """The map of what changed had no 网格事件 entry: the import wrote, then failed with an unexpected error."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["发现时间", "事件类别", "问题描述", "地点"])
    workbook.active.append(["2025-03-02 09:30", "设施损坏", "路灯不亮", "星体花园3栋"])
    path = tmp_path / "网格事件台账.xlsx"
    workbook.save(path)
    ctx = AppContext(target=str(db_path), staff=admin)
    events = EventsPage(ctx)
    qtbot.addWidget(events)
    assert events.model.rowCount() == 0
    wizard = import_wizard.open_import_wizard(ctx, None)
    qtbot.addWidget(wizard)
    activate(qtbot, wizard)
    wizard.ui.kindCombo.setFocus()
    while wizard.kind != "events":
        qtbot.keyClick(wizard.ui.kindCombo, Qt.Key.Key_Down)
    type_text(qtbot, wizard.ui.fileEdit, str(path))
    qtbot.keyClick(wizard.ui.fileEdit, Qt.Key.Key_Return)
    idle(qtbot, wizard)
    assert wizard.ui.pages.currentIndex() == import_wizard.MAPPING, wizard.ui.messageLabel.text()
    qtbot.keyClick(wizard.focusWidget(), Qt.Key.Key_Return)
    idle(qtbot, wizard)
    assert wizard.preview is not None and not wizard.preview.problems, wizard.ui.messageLabel.text()
    with qtbot.waitSignal(ctx.bus.data_changed, timeout=30000, check_params_cb=lambda area: area == "events"):
        qtbot.keyClick(wizard.focusWidget(), Qt.Key.Key_Return)
    idle(qtbot, wizard)
    assert wizard.report.written and "新增 1 条" in wizard.ui.resultSummary.text()
    assert m.GridEvent.select().count() == 1
    assert events.model.rowCount() == 1  # the 网格事件 list shows the imported event
    assert set(import_wizard.AREA) == set(KINDS)  # every kind of ledger says what it changed


def answer_file_dialog(monkeypatch, choose: str | None, seen: list[str]) -> None:
    """Qt's file dialog, answered: note the folder it opens in, then choose ``choose`` or cancel."""
    from PySide6.QtWidgets import QFileDialog

    def answer(dialog: QFileDialog) -> int:
        seen.append(dialog.directory().absolutePath())
        if choose is None:
            return QFileDialog.DialogCode.Rejected
        dialog.selectFile(choose)
        return QFileDialog.DialogCode.Accepted

    monkeypatch.setattr(QFileDialog, "exec", answer)


def test_browse_opens_the_documents_folder_then_the_last_folder_used(qtbot, wizard, tmp_path, monkeypatch):
    """It opened the program's working folder (the hidden data folder of an installed station)."""
    home, data, ledgers = tmp_path / "home", tmp_path / ".gridstation", tmp_path / "u盘" / "台账"
    for folder in (home / "Documents", data, ledgers):
        folder.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.chdir(data)
    book = ledger(ledgers / "居民.xlsx", [["张三", make_id()]])
    wizard.show()
    activate(qtbot, wizard)
    seen: list[str] = []
    answer_file_dialog(monkeypatch, str(book), seen)
    qtbot.keyClick(wizard.ui.kindCombo, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: wizard.ui.fileEdit.text() != "", timeout=5000)
    assert seen == [str(home / "Documents")] and wizard.ui.fileEdit.text() == str(book)
    again = import_wizard.open_import_wizard(wizard.ctx, None)  # the next import, on this PC
    qtbot.addWidget(again)
    again.show()
    activate(qtbot, again)
    answer_file_dialog(monkeypatch, None, seen)
    qtbot.keyClick(again.ui.kindCombo, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    assert seen[1] == str(ledgers)


def test_ctrl_o_offers_old_excel_and_libreoffice_ledgers_and_an_ods_file_imports(qtbot, wizard, monkeypatch):
    """The file dialog lists .xls and .ods beside .xlsx and .csv; the chosen .ods is read and imported."""
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "ledgers" / "residents.ods"
    offered = []

    def choose(dialog) -> int:
        offered.append(";;".join(dialog.nameFilters()))
        dialog.selectFile(str(fixture))
        return QFileDialog.DialogCode.Accepted

    monkeypatch.setattr(QFileDialog, "exec", choose)
    wizard.ui.kindCombo.setCurrentIndex(wizard.ui.kindCombo.findData("residents"))
    activate(qtbot, wizard)
    wizard.ui.fileEdit.setFocus()
    qtbot.keyClick(wizard.ui.fileEdit, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(offered))  # a button's shortcut clicks it after a short animation
    assert {".xlsx", ".xls", ".ods", ".csv"} <= set(re.findall(r"\*(\.\w+)", offered[0]))
    assert wizard.ui.fileEdit.text() == str(fixture)
    qtbot.keyClick(wizard.ui.fileEdit, Qt.Key.Key_Return)
    idle(qtbot, wizard)
    assert wizard.ui.pages.currentIndex() == import_wizard.MAPPING, wizard.ui.messageLabel.text()
    preview(qtbot, wizard)
    with qtbot.waitSignal(wizard.finished_import, timeout=30000):
        qtbot.mouseClick(wizard.ui.importButton, Qt.MouseButton.LeftButton)
    assert wizard.report.written and "新增 2 条" in wizard.ui.resultSummary.text()
    assert residents.find_by_document(make_id("110101", "19900307", "771")).room == "0501"


def test_the_preview_lists_a_thousand_rows_of_a_long_bad_ledger_and_the_result_two_hundred_problems(qtbot, wizard, tmp_path):
    """A ledger of 1 500 bad rows: the table holds the first 1 000 and says so; the result lists the first
    200 problems and counts the rest (a repeated .ods row once gave a preview of a million rows)."""
    path = tmp_path / "居民台账.csv"
    path.write_text("姓名,身份证号码,手机号\n" + "".join(f"居民{i},{make_id(seq=f'{i % 1000:03d}')},123\n"
                                                  for i in range(1500)), encoding="utf-8")
    choose_file(qtbot, wizard, path)
    preview(qtbot, wizard)
    model = wizard.ui.previewTable.model()
    assert model.rowCount() == import_wizard.PREVIEW_ROWS == 1000
    assert "表中只列出前 1,000 行" in wizard.ui.previewSummary.text()
    wizard.ui.badOnlyCheck.setChecked(True)
    assert model.rowCount() == 1000
    wizard.ui.validOnlyCheck.setChecked(True)
    with qtbot.waitSignal(wizard.finished_import, timeout=60000):
        qtbot.mouseClick(wizard.ui.importButton, Qt.MouseButton.LeftButton)
    idle(qtbot, wizard)
    lines = wizard.ui.resultText.toPlainText().splitlines()
    assert sum("“手机号”列" in line for line in lines) == 200 and "另有 1,300 行有问题，未逐一列出。" in lines


def test_a_direction_override_in_a_sheet_name_cannot_turn_the_preview_around(qtbot, wizard, tmp_path):
    """Sheet names reach the wizard as the command line prints them: U+202E shown as �, not obeyed."""
    workbook = openpyxl.Workbook()
    for index, title in enumerate(("<script>\u202e", "二网格")):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title
        sheet.append(HEADERS)
        sheet.append([f"居民{index}", make_id(seq=f"77{index}"), "", "", "备注\u202e"])
    path = tmp_path / "names.xlsx"
    workbook.save(path)
    choose_file(qtbot, wizard, path)
    preview(qtbot, wizard)
    model = wizard.ui.previewTable.model()
    shown = [model.data(model.index(row, column)) for row in range(model.rowCount()) for column in range(model.columnCount())]
    assert "工作表“<script>\ufffd”第2行" in shown
    assert not any("\u202e" in (text or "") for text in [*shown, wizard.ui.mappingText.toPlainText()])


def test_a_far_away_cell_is_said_on_the_first_step_and_the_window_stays(qtbot, wizard, tmp_path):
    """One x in XFD1048576 made calamine abort the whole program, counter window and all."""
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADERS)
    workbook.active.append(["张三", make_id(), "", "", ""])
    workbook.active["XFD1048576"] = "x"
    path = tmp_path / "far.xlsx"
    workbook.save(path)
    wizard.ui.kindCombo.setCurrentIndex(wizard.ui.kindCombo.findData("residents"))
    type_text(qtbot, wizard.ui.fileEdit, str(path))
    qtbot.keyClick(wizard.ui.fileEdit, Qt.Key.Key_Return)
    idle(qtbot, wizard)
    assert wizard.ui.pages.currentIndex() == import_wizard.CHOOSE
    assert "XFD1048576" in wizard.ui.messageLabel.text() and "请删除该格" in wizard.ui.messageLabel.text()


def test_ticking_update_on_the_preview_checks_again_and_lists_each_change(qtbot, wizard, tmp_path):
    """更新档案 ticked after the preview: the preview is run again, so its counts and the changes it lists
    are what 导入 will do (before, it kept 「更新 0 条」 and the update surfaced only after the import)."""
    zhang = make_id("110101", "19900307", "771")
    residents.save_resident(wizard.ctx.staff,
                            residents.ResidentInput(name="张三", doc_number=zhang, phone="13812345678"))
    path = ledger(tmp_path / "居民台账.xlsx", [["张三", zhang, "13900001111", "星天地", ""]])
    choose_file(qtbot, wizard, path)
    preview(qtbot, wizard)
    assert "更新 1 条" not in wizard.ui.previewSummary.text()
    activate(qtbot, wizard)
    qtbot.keyClick(wizard.focusWidget(), Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(wizard.ui.updateExistingCheck.isChecked)  # a mnemonic clicks as an animated click
    qtbot.waitUntil(lambda: wizard.worker is None and "更新 1 条" in wizard.ui.previewSummary.text(), timeout=30000)
    assert "张三：手机号 138****5678→139****1111" in wizard.ui.mappingText.toPlainText()
    assert residents.find_by_document(zhang).phone == "13812345678"  # still only a preview
