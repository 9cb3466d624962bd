"""One word for one thing, and the words staff need: 请选择 for a drop-down, 自然日, a year on a date,
the database path only for the administrator."""

from __future__ import annotations

import datetime as dt

import pytest

from gridstation.core.intake import residents
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import catalog
from gridstation.core.toolbox import lending, loan_lists, tool_units
from gridstation.ui.common.context import AppContext
from gridstation.ui.toolbox.tools_page import ToolsPage
from gridstation.ui.window.main_window import MainWindow
from tests.helpers import make_id


def wage_fields() -> list[catalog.FieldDef]:
    spec = next(s for s in catalog.BUILTIN if s["code"] == catalog.WAGE)
    return [catalog.FieldDef.of(raw) for raw in spec["fields"]]


def test_an_empty_drop_down_asks_to_choose_a_text_field_to_fill_in():
    outcome = next(f for f in wage_fields() if f.key == "outcome")
    with pytest.raises(DomainError, match="^请选择“处理方式”。$"):
        catalog.check_value(outcome, "")
    employer = next(f for f in wage_fields() if f.key == "employer")
    with pytest.raises(DomainError, match="^请填写“用人单位”。$"):
        catalog.check_value(employer, "")


def test_the_wage_dialog_says_办理结果_once():
    labels = [f.label for f in wage_fields()]
    assert "处理结果" not in labels and "办理结果" not in labels  # 办理结果 is the dialog's own field


@pytest.mark.parametrize("role, shows_path", [("admin", True), ("clerk", False)])
def test_database_path_only_in_the_administrators_status_bar(qtbot, db_path, admin, clerk, role, shows_path):
    window = MainWindow(AppContext(target=str(db_path), staff=admin if role == "admin" else clerk))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.refresh_status()
    window.refresh_counts()
    assert (str(db_path) in window.db_label.text()) is shows_path
    assert window.db_label.isVisible() is shows_path
    assert "逾期借用单 0 张" in window.overdue_label.text() and "单 0 单" not in window.overdue_label.text()


def test_last_reminder_shows_the_year(qtbot, db_path, admin):
    kind = tool_units.save_kind(admin, tool_units.KindInput(name="电钻"))
    tool_units.add_units(admin, kind.id, 1)
    who = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id(seq="771")))
    lent = dt.datetime.combine(clock.today() - dt.timedelta(days=12), dt.time(10))
    loan = lending.lend(admin, who.id, ["GJ-0001"], lent_at=lent, due_date=lent.date() + dt.timedelta(days=2))
    loan_lists.record_reminder(admin, loan.slip_no, "答应周六归还")
    page = ToolsPage(AppContext(target=str(db_path), staff=admin))
    qtbot.addWidget(page)
    page.show()
    page.overdue.refresh()
    qtbot.waitUntil(lambda: not page.overdue.model.loading, timeout=10_000)  # it loads in the background
    model = page.ui.overdueTable.model()
    last = model.index(0, 7).data()
    assert last.startswith(f"{clock.today():%Y-%m-%d} ") and "答应周六归还" in last
