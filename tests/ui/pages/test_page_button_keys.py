"""Buttons that were three to nine Tabs away answer the key their label shows, on their own page."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QKeySequence

from gridstation.ui.common.context import AppContext
from gridstation.ui.intake.intake_page import IntakePage
from gridstation.ui.intake.residents_page import ResidentsPage
from gridstation.ui.toolbox.tools_page import CATALOGUE, ToolsPage
from tests.helpers import activate, show_at_counter_size

# (page, the object holding the form, button, keys)
BUTTONS = [
    ("residents", None, "importButton", "Ctrl+I"), ("residents", None, "exportButton", "Ctrl+E"),
    ("intake", None, "exportListButton", "Ctrl+E"),
    ("tools", "catalogue", "newKindButton", "Ctrl+N"), ("tools", "catalogue", "deleteKindButton", "Ctrl+Del"),
    ("tools", "catalogue", "saveKindButton", "Ctrl+S"), ("tools", "catalogue", "setStateButton", "Ctrl+T"),
    ("tools", "catalogue", "labelsButton", "Ctrl+P"), ("tools", "catalogue", "exportUnitsButton", "Ctrl+E"),
]


def open_page(qtbot, db_path, admin, name: str):
    ctx = AppContext(target=str(db_path), staff=admin)
    page = show_at_counter_size(qtbot, {"residents": ResidentsPage, "intake": IntakePage, "tools": ToolsPage}[name](ctx))
    if name == "intake":
        page.ui.tabs.setCurrentIndex(1)  # 受理列表
    if name == "tools":
        page.show_tab(CATALOGUE)
    activate(qtbot, page)
    return page


@pytest.mark.parametrize(("name", "owner", "button", "keys"), BUTTONS)
def test_the_button_shows_and_answers_its_key(qtbot, db_path, admin, name, owner, button, keys):
    page = open_page(qtbot, db_path, admin, name)
    widget = getattr((page if owner is None else getattr(page, owner)).ui, button)
    assert widget.text().endswith(f"({keys})"), widget.text()
    pressed: list[str] = []
    widget.setEnabled(True)
    widget.clicked.disconnect()  # the key is under test here, not the dialog it opens
    widget.clicked.connect(lambda _checked=False: pressed.append(button))
    sequence = QKeySequence(keys)[0]
    qtbot.keyClick(page.focusWidget() or page, sequence.key(), sequence.keyboardModifiers())
    qtbot.waitUntil(lambda: pressed == [button], timeout=5000)
