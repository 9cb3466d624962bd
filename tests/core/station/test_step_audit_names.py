"""Audit entries written before steps had names (「变更状态」, 「评价申诉」 and 「差评整改·…」 under "intake")
stay readable beside the new ones (办结, 申诉 under "rating", 整改回访 under "rectification"): the audit
log's sentences, the change feed and the backup status read both, and the chain holds across them."""

from __future__ import annotations

import pytest

from gridstation.core.evaluation import ratings, rectification
from gridstation.core.evaluation.rules import CARD
from gridstation.core.intake import intakes, residents
from gridstation.core.ledgers import audit_text
from gridstation.core.station import audit, backup, catalog, changes
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction
from tests.helpers import make_id

pytestmark = pytest.mark.both_backends


def test_old_and_new_names_read_alike(clerk, head, admin, site_db):
    person = residents.save_resident(admin, residents.ResidentInput(name="王然", doc_number=make_id()))
    intake = intakes.create_intake(clerk, intakes.IntakeInput(person.id, catalog.PENSION, "生存认证",
                                                              {"cert_year": "2026", "way": "窗口"}))
    with write_transaction():  # as the services wrote them before
        audit.record(admin, backup.BACKED_UP, "database", "gridstation-20261207-090000.db")
        audit.record(clerk, "变更状态", "intake", intake.serial, before={"status": "受理"},
                     after={"status": "办理中"})
        audit.record(head, "评价申诉", "intake", intake.serial, after={"reason": "误评"})
        audit.record(head, "差评整改·回访", "intake", intake.serial, after={"finding": "等太久"})
    cursor = changes.latest() - 3
    status_before = backup.last_backup_status()
    intakes.change_status(clerk, intake.serial, intakes.COMPLETED, result="认证通过")
    ratings.record_rating(clerk, intake.serial, "不满意", channel=CARD, reasons=["效率"])
    rectification.record_visit(head, intake.serial, "等太久")
    ratings.appeal(head, intake.serial, "误评")

    entries = list(m.AuditLog.select().where(m.AuditLog.entity_id == intake.serial).order_by(m.AuditLog.id))
    said = dict(zip((e.action for e in entries), audit_text.sentences(entries), strict=True))
    who = f"受理 {intake.serial}（居民 王然）"
    assert said["变更状态"] == f"王小红 把{who}从“受理”改为“办理中”"
    assert said["办结"].startswith(f"王小红 把{who}从“受理”改为“办结”：")
    assert said["评价申诉"] == f"李站长 评价申诉 {who}：原因：误评"
    assert said["申诉"] == f"李站长 申诉 {who}：原因：误评"
    assert said["差评整改·回访"] == f"李站长 差评整改·回访 {who}：回访情况：等太久"
    assert said["整改回访"] == f"李站长 整改回访 {who}：回访情况：等太久"

    assert changes.changes_since(cursor).areas == {"intake"}  # old entries and new, rating and 整改 alike
    for entry in entries:
        assert changes.areas_of(entry.entity, entry.action) == {"intake"}, entry.action
    assert backup.last_backup_status().last_good == status_before.last_good
    assert audit.verify_chain() is None
