"""The import wizard at 1366×768 by keys (trial 23 F17): step 1 speaks of the ledger chosen, and step 2's
填写要求 is read whole, wrapped, never cut with “…”."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt

from gridstation.core.ledgers.ledger_columns import EVENTS
from gridstation.core.ledgers.ledger_templates import write_template
from gridstation.ui.ledgers import import_wizard
from tests.ui.test_keyboard_workflows import CTRL, close_all, sign_in, station  # noqa: F401


def test_an_events_ledger_is_explained_as_one_and_its_requirements_are_read_whole(qtbot, site_db, station, close_all,
                                                                                   tmp_path):
    ledger = tmp_path / "events.xlsx"
    write_template(EVENTS, str(ledger))
    keys, window = sign_in(qtbot, site_db, "clerk")
    keys.page(2, "searchEdit")
    keys.press(Qt.Key.Key_I, CTRL)
    qtbot.waitUntil(lambda: bool(window.findChildren(import_wizard.ImportWizard)))
    wizard = window.findChildren(import_wizard.ImportWizard)[0]  # not modal: the counter stays usable
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    keys.tab_to("kindCombo")
    keys.choose("网格事件台账")
    hint = wizard.ui.chooseHint.text()
    assert "问题描述" in hint and "姓名" not in hint and "身份证号" not in hint and "受理台账" not in hint, hint
    keys.tab_to("fileEdit")
    keys.type(str(ledger))
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.ui.pages.currentIndex() == import_wizard.MAPPING, timeout=20_000)
    table = wizard.ui.mappingTable
    qtbot.waitUntil(table.isVisible)
    metrics = table.fontMetrics()
    for row in range(table.rowCount()):
        cell = table.visualRect(table.model().index(row, 2))
        text = table.item(row, 2).text()
        needed = metrics.boundingRect(QRect(0, 0, cell.width() - 8, 10_000), Qt.TextFlag.TextWordWrap, text)
        assert needed.height() <= cell.height(), f"row {row}: {text!r} needs {needed.height()} px, has {cell.height()}"
    keys.press(Qt.Key.Key_Escape)
    keys.closes(wizard)
