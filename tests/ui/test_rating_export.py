"""The head's 差评整改 window exports the 好差评台账 with the keyboard (ratings had no export at all)."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog

from gridstation.core.evaluation import ratings
from gridstation.core.intake import intakes, residents
from gridstation.core.rules import clock
from gridstation.core.station import catalog
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.evaluation.evaluation_widgets import RectificationDialog
from tests.helpers import activate, make_id


def test_ctrl_e_in_the_rectification_window_exports_every_rating(qtbot, site_db, admin, head, tmp_path, monkeypatch):
    person = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))
    received = clock.now() - dt.timedelta(hours=3)
    intake = intakes.create_intake(admin, intakes.IntakeInput(person.id, catalog.UNEMPLOYMENT,
                                                              details={"docs_checked": True}, received_at=received))
    intakes.change_status(admin, intake.serial, intakes.COMPLETED, result="已发证", at=received + dt.timedelta(hours=1))
    ratings.record_rating(admin, intake.serial, "非常不满意", channel="纸质卡", reasons=["态度"], text="态度生硬")
    chosen = tmp_path / "好差评"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen), "Excel 文件 (*.xlsx)"))
    dialog = RectificationDialog(AppContext(target=site_db, staff=head))
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    assert "(Ctrl+E)" in dialog.export_button.text()
    QTest.keyClick(dialog.list, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: (tmp_path / "好差评.xlsx").exists(), timeout=30_000)
    rows = list(load_workbook(tmp_path / "好差评.xlsx").active.iter_rows(values_only=True))
    header = rows[0]
    assert [(r[0], r[header.index("评价")], r[header.index("整改状态")]) for r in rows[1:]] == [
        (intake.serial, "非常不满意", "整改中")]
    assert m.AuditLog.select().where((m.AuditLog.action == "导出") & (m.AuditLog.entity == "ratings")).count() == 1
