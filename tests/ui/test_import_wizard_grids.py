"""The import wizard takes the grid register's two ledgers by keys alone at 1366×768: each explained in step 1,
the preview showing the very lines of the dry run (「将新增网格2个：…」), and the import making them."""

from __future__ import annotations

from PySide6.QtCore import Qt

from gridstation.core.grids import places, register
from gridstation.core.ledgers import column_choices, ledger_import
from gridstation.core.ledgers.ledger_import import ImportOptions
from gridstation.core.storage import models as m
from gridstation.ui.ledgers import import_wizard
from tests.core.ledgers.test_grid_ledgers import station_grid_ledger
from tests.ui.test_keyboard_workflows import CTRL, close_all, sign_in, station  # noqa: F401


def test_a_grid_ledger_by_keys_previews_what_it_makes_and_imports_it(qtbot, site_db, station, close_all, tmp_path):
    path = station_grid_ledger(tmp_path)
    keys, window = sign_in(qtbot, site_db, "head")
    keys.page(2, "searchEdit")
    keys.press(Qt.Key.Key_I, CTRL)
    qtbot.waitUntil(lambda: bool(window.findChildren(import_wizard.ImportWizard)))
    wizard = window.findChildren(import_wizard.ImportWizard)[0]
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    keys.tab_to("kindCombo")
    keys.choose("网格力量台账")
    assert "同一人" in wizard.ui.chooseHint.text() and "角色" in wizard.ui.chooseHint.text()
    keys.choose("网格划分台账")
    hint = wizard.ui.chooseHint.text()
    assert "网格名称" in hint and "每个网格一张工作表" in hint and "身份证号" not in hint, hint
    keys.tab_to("fileEdit")
    keys.type(str(path))
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.ui.pages.currentIndex() == import_wizard.MAPPING, timeout=20_000)
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.preview is not None and wizard.worker is None, timeout=20_000)
    shown = wizard.ui.mappingText.toPlainText().splitlines()
    dry = ledger_import.run_import(column_choices.open_ledger(path, "grids"), None, ImportOptions(dry_run=True))
    planned = [line for line in dry.notes if line.startswith("将新增")]
    assert planned == ["将新增网格2个：第一网格、第二网格", "将新增楼栋3个：星天地3号楼、星天地5号楼、阳光小区1栋"]
    assert [line for line in shown if line.startswith("将新增")] == planned  # the same lines, from the same function
    assert m.Grid.select().count() == 0
    with qtbot.waitSignal(wizard.finished_import, timeout=30_000):
        keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.worker is None, timeout=20_000)
    assert wizard.report.written and "新增了网格2个：第一网格、第二网格" in wizard.ui.resultText.toPlainText()
    assert [b.number for b in places.buildings_of(register.find_grid("第一网格"))] == ["3号楼", "5号楼"]
    keys.press(Qt.Key.Key_Escape)
    keys.closes(wizard)
