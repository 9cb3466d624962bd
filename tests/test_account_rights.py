"""Rights go with the account, not with the window (issue 22 item 7): a window signed in before an
administrator deactivates or demotes its account gets no more than the account holds now, and locks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from gridstation.core.events import rules
from gridstation.core.events.register import EventInput, register_event
from gridstation.core.intake import residents
from gridstation.core.ledgers.ledger_export import export_rows
from gridstation.core.rules.errors import PermissionDenied
from gridstation.core.station import accounts, printouts, roles
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.station.login_dialog import LoginDialog
from gridstation.ui.window import main_window
from gridstation.ui.window.main_window import MainWindow
from tests.conftest import PASSWORD
from tests.helpers import activate, make_id, snapshot


def test_a_demoted_head_loses_head_rights_in_a_window_signed_in_before(admin, head, tmp_path):
    signed_in = m.Staff.get_by_id(head.id)  # what the window holds since the morning
    accounts.set_role(admin, head.id, roles.CLERK)
    before = snapshot()
    with pytest.raises(PermissionDenied, match="窗口人员"):
        export_rows("residents", None, tmp_path / "全部号码.xlsx", True, actor=signed_in)
    assert snapshot() == before and not (tmp_path / "全部号码.xlsx").exists()


def test_a_deactivated_account_can_do_nothing_in_a_window_signed_in_before(admin, clerk):
    signed_in = m.Staff.get_by_id(clerk.id)
    accounts.set_active(admin, clerk.id, False)
    before = snapshot()
    with pytest.raises(PermissionDenied, match="已停用"):
        residents.save_resident(signed_in, residents.ResidentInput(name="张三", doc_number=make_id()))
    assert snapshot() == before


def test_printing_an_agreement_checks_the_role_like_every_other_print(admin, clerk):
    event = register_event(clerk, EventInput("矛盾纠纷", rules.NORMAL, "楼上漏水", rules.PATROL))
    accounts.set_active(admin, clerk.id, False)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        printouts.record(clerk, printouts.AGREEMENT, event.number, printed=True)
    assert snapshot() == before


def test_the_window_locks_within_a_minute_and_opens_again_with_the_current_rights(qtbot, db_path, admin, head):
    assert main_window.ACCOUNT_CHECK_MS <= 60_000
    window = MainWindow(AppContext(target=str(db_path), staff=head))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.account_timer.isActive() and window.account_timer.interval() == main_window.ACCOUNT_CHECK_MS
    window.account_timer.setInterval(50)  # the test cannot wait half a minute
    qtbot.wait(200)
    assert not window.locked  # nothing changed: nothing happens
    accounts.set_role(admin, head.id, roles.CLERK)
    qtbot.waitUntil(lambda: window.locked, timeout=3000)
    assert not window.centralWidget().isVisible()
    dialog = [w for w in window.findChildren(LoginDialog) if w.isVisible()][-1]
    assert "账号已停用或角色已变更" in dialog.ui.messageLabel.text()
    activate(qtbot, dialog)
    with qtbot.waitSignal(window.staff_changed) as changed:  # app.py opens a window for the clerk it is now
        qtbot.keyClicks(dialog.ui.passwordEdit, PASSWORD)
        qtbot.keyClick(dialog.ui.passwordEdit, Qt.Key.Key_Return)
    assert changed.args[0].id == head.id and changed.args[0].role == roles.CLERK


def test_a_deactivated_account_cannot_unlock_its_window(qtbot, db_path, admin, clerk):
    window = MainWindow(AppContext(target=str(db_path), staff=clerk))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.account_timer.setInterval(50)
    accounts.set_active(admin, clerk.id, False)
    qtbot.waitUntil(lambda: window.locked, timeout=3000)
    dialog = [w for w in window.findChildren(LoginDialog) if w.isVisible()][-1]
    activate(qtbot, dialog)
    qtbot.keyClicks(dialog.ui.passwordEdit, PASSWORD)
    qtbot.keyClick(dialog.ui.passwordEdit, Qt.Key.Key_Return)
    assert window.locked and "停用" in dialog.ui.messageLabel.text()
