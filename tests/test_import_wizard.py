"""The import wizard driven like staff use it: choose a file, check the mapping, see the bad rows, import, cancel."""

from __future__ import annotations

import openpyxl
import pytest
from PySide6.QtCore import Qt

from gridstation.core import models as m
from gridstation.core import residents
from gridstation.ui import import_wizard
from gridstation.ui.context import AppContext
from tests.helpers import make_id, snapshot, type_text

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
        dialog.worker.wait()


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
    assert wizard.ui.cancelButton.text() == "关闭"


def test_cancelling_the_import_writes_nothing(qtbot, wizard, tmp_path):
    rows = [[f"居民{i}", make_id("110101", f"1980{1 + i // 1000:02d}01", f"{i % 1000:03d}"), "", "星天地", ""]
            for i in range(3000)]
    path = ledger(tmp_path / "big.xlsx", rows)
    choose_file(qtbot, wizard, path)
    preview(qtbot, wizard)
    assert not wizard.preview.problems
    before = snapshot()
    qtbot.mouseClick(wizard.ui.importButton, Qt.MouseButton.LeftButton)
    assert wizard.ui.cancelButton.text() == "取消" and wizard.ui.progressBar.isVisible()
    qtbot.mouseClick(wizard.ui.cancelButton, Qt.MouseButton.LeftButton)
    idle(qtbot, wizard)
    assert "已取消" in wizard.ui.resultSummary.text()
    assert wizard.report is None and snapshot() == before
