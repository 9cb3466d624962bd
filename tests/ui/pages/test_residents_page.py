import pytest
from PySide6.QtCore import Qt

from gridstation.core.intake import residents
from gridstation.ui.common.context import AppContext
from gridstation.ui.intake.residents_page import ResidentsPage
from tests.helpers import activate, make_id, type_text


@pytest.fixture
def page(qtbot, db_path, admin):
    for n, name in enumerate(["张三", "曾小明", "李四"]):
        residents.save_resident(admin, residents.ResidentInput(name=name, doc_number=make_id(seq=f"{101 + 2 * n:03d}"),
                                                               phone=f"1380000000{n}"))
    widget = ResidentsPage(AppContext(target=str(db_path), staff=admin))
    qtbot.addWidget(widget)
    widget.show()
    activate(qtbot, widget)
    widget.refresh()
    return widget


def test_search_by_initials_and_open_the_record(qtbot, page):
    type_text(qtbot, page.ui.searchEdit, "cxm")
    qtbot.keyClick(page.ui.searchEdit, Qt.Key.Key_Return)
    assert [r.name for r in page.model.rows] == ["曾小明"]
    dialog = page.edit_current()
    assert dialog.ui.nameEdit.text() == "曾小明"
    dialog.reject()


def test_a_new_id_number_and_enter_opens_registration(qtbot, page):
    number = make_id(seq="555")
    type_text(qtbot, page.ui.searchEdit, number)
    qtbot.keyClick(page.ui.searchEdit, Qt.Key.Key_Return)
    from gridstation.ui.intake.resident_dialog import ResidentDialog

    dialog = [w for w in page.findChildren(ResidentDialog) if w.isVisible()][-1]
    assert dialog.ui.docEdit.text() == number
    dialog.reject()


def test_export_what_the_search_shows(qtbot, page, tmp_path):
    from openpyxl import load_workbook

    type_text(qtbot, page.ui.searchEdit, "zs")
    page.refresh()
    out = page.export_list(tmp_path / "r.xlsx")
    names = [c.value for row in load_workbook(out).active.iter_rows(min_row=2) for c in row[:1]]
    assert names == ["张三"]


def test_import_wizard_opens_from_the_page(qtbot, page):
    wizard = page.open_import()
    assert wizard.isVisible()
    wizard.close()
