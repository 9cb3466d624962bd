"""材料清单, 一次性告知 (待补正 → 补正 → 受理) and 容缺受理 (补齐 deadline, overdue list): each transition and refusal."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from gridstation.core.intake import intakes, material_check, residents
from gridstation.core.intake.material_rules import DEFERRED, MISSING_OVERDUE, NOTICE
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import accounts, catalog, station
from gridstation.core.station.material_defaults import DEFAULT_MATERIALS
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from tests.helpers import FIXTURES, make_id, snapshot

pytestmark = pytest.mark.both_backends

ID_CARD, CONTRACT, PAYSLIP = "居民身份证", "劳动合同或用工证明", "工资欠条或工资条"
WAGE_DETAILS = {"employer": "昆明某建筑劳务有限公司", "workers": "3", "amount_owed": "9000"}


@pytest.fixture
def resident(admin):
    return residents.save_resident(admin, residents.ResidentInput(
        name="张三", doc_number=make_id("530111", "19700101", "021"), phone="13812345678"))


def wage(resident, **kw) -> intakes.IntakeInput:
    return intakes.IntakeInput(resident.id, catalog.WAGE, "欠薪投诉", dict(WAGE_DETAILS), **kw)


def audit_actions(serial: str) -> list[str]:
    return [a.action for a in m.AuditLog.select().where(m.AuditLog.entity_id == serial).order_by(m.AuditLog.id)]


def test_builtin_services_start_with_their_lists(admin):
    lists = {s.code: [d["name"] for d in json.loads(s.materials)] for s in catalog.all_services()}
    assert lists[catalog.WAGE] == [ID_CARD, CONTRACT, PAYSLIP]
    assert all(lists[code] for code in (catalog.UNEMPLOYMENT, catalog.PENSION, catalog.SUBSIDY_4050))


def test_all_documents_brought_is_a_normal_intake_listing_them(clerk, resident):
    intake = material_check.create_checked_intake(clerk, wage(resident, documents="另附照片两张"),
                                                [ID_CARD, CONTRACT, PAYSLIP])
    assert intake.status == intakes.RECEIVED
    assert intake.documents == ("居民身份证（原件1份）、劳动合同或用工证明（复印件1份）、"
                                "工资欠条或工资条（复印件1份）；另附照片两张")
    check = material_check.check_of(intake)
    assert check.mode == "齐全" and check.missing == [] and check.deadline is None


def test_a_missing_document_needs_a_choice_and_stores_nothing(clerk, resident):
    before = snapshot()
    with pytest.raises(DomainError, match="还缺少：工资欠条或工资条（复印件1份）"):
        material_check.create_checked_intake(clerk, wage(resident), [ID_CARD, CONTRACT])
    with pytest.raises(DomainError, match="没有：营业执照"):
        material_check.create_checked_intake(clerk, wage(resident), [ID_CARD, "营业执照"], mode=NOTICE,
                                           deadline=clock.today())
    with pytest.raises(DomainError, match="补交材料的日期"):
        material_check.create_checked_intake(clerk, wage(resident), [ID_CARD], mode=NOTICE)
    with pytest.raises(DomainError, match="不能早于今天"):
        material_check.create_checked_intake(clerk, wage(resident), [ID_CARD], mode=NOTICE,
                                           deadline=clock.today() - dt.timedelta(days=1))
    assert snapshot() == before


def test_one_time_notice_waits_as_pending_then_becomes_an_intake_due_from_the_day_documents_come(clerk, resident):
    first = clock.now() - dt.timedelta(days=10)
    bring_by = first.date() + dt.timedelta(days=7)
    intake = material_check.create_checked_intake(clerk, wage(resident, received_at=first), [ID_CARD],
                                                mode=NOTICE, deadline=bring_by)
    assert intake.status == intakes.PENDING_DOCS
    check = material_check.check_of(intake)
    assert (check.mode, [d.name for d in check.missing], check.deadline) == (NOTICE, [CONTRACT, PAYSLIP], bring_by)
    # No promised date is running: never overdue, not in the open list.
    assert not intakes.is_overdue(intake, clock.today() + dt.timedelta(days=60))
    assert list(intakes.query_intakes(intakes.IntakeFilter(status="open"))) == []
    with pytest.raises(DomainError, match="不能改为“办结”"):
        intakes.change_status(clerk, intake.serial, intakes.COMPLETED, result="已处理")

    came = first + dt.timedelta(days=4)
    done = material_check.supply_missing(clerk, intake.serial, at=came)
    assert done.status == intakes.RECEIVED
    assert done.due_date == came.date() + dt.timedelta(days=15)  # 讨薪: 15 days, counted from the 补正
    assert "工资欠条或工资条（复印件1份）" in done.documents
    assert [(e.from_status, e.to_status) for e in intakes.history(done)] == [
        ("", intakes.PENDING_DOCS), (intakes.PENDING_DOCS, intakes.RECEIVED)]
    assert material_check.check_of(done).supplied_at == came
    assert audit_actions(intake.serial) == ["新建受理", "一次性告知", "正式受理", "补正完成"]
    with pytest.raises(DomainError, match="没有待补交的材料"):
        material_check.supply_missing(clerk, intake.serial)


def test_a_pending_request_can_be_returned_and_then_takes_no_documents(clerk, resident):
    intake = material_check.create_checked_intake(clerk, wage(resident), [ID_CARD], mode=NOTICE,
                                                deadline=clock.today())
    intakes.change_status(clerk, intake.serial, intakes.RETURNED, note="居民不再申请")
    with pytest.raises(DomainError, match="已退回，不能再补交材料"):
        material_check.supply_missing(clerk, intake.serial)


def test_deferred_acceptance_only_when_just_later_documents_are_missing(clerk, resident):
    due = clock.today() + dt.timedelta(days=15)
    before = snapshot()
    with pytest.raises(DomainError, match="劳动合同或用工证明（复印件1份）是必须材料，不能容缺受理"):
        material_check.create_checked_intake(clerk, wage(resident), [ID_CARD], mode=DEFERRED, deadline=due)
    with pytest.raises(DomainError, match=f"不能晚于承诺办结日期 {due:%Y-%m-%d}"):
        material_check.create_checked_intake(clerk, wage(resident), [ID_CARD, CONTRACT], mode=DEFERRED,
                                           deadline=due + dt.timedelta(days=1))
    assert snapshot() == before
    intake = material_check.create_checked_intake(clerk, wage(resident), [ID_CARD, CONTRACT], mode=DEFERRED,
                                                deadline=due)
    assert (intake.status, intake.due_date) == (intakes.RECEIVED, due)
    assert material_check.check_of(intake).mode == DEFERRED
    assert "容缺受理" in audit_actions(intake.serial)


def test_overdue_list_shows_deferred_intakes_whose_documents_are_still_missing(clerk, resident):
    received = clock.now() - dt.timedelta(days=5)
    late = material_check.create_checked_intake(clerk, wage(resident, received_at=received), [ID_CARD, CONTRACT],
                                              mode=DEFERRED, deadline=received.date() + dt.timedelta(days=2))
    in_time = material_check.create_checked_intake(clerk, wage(resident), [ID_CARD, CONTRACT], mode=DEFERRED,
                                                 deadline=clock.today() + dt.timedelta(days=2))

    def listed() -> list[str]:
        return [i.serial for i in intakes.query_intakes(intakes.IntakeFilter(status=MISSING_OVERDUE))]

    assert listed() == [late.serial]
    assert in_time.serial not in listed()
    supplied = material_check.supply_missing(clerk, late.serial)
    assert supplied.status == intakes.RECEIVED and supplied.due_date == late.due_date  # 容缺: due date unchanged
    assert listed() == []
    assert audit_actions(late.serial)[-1] == "容缺补齐"


def test_service_list_edited_by_the_head_is_checked(head):
    service = catalog.get_service(catalog.WAGE)
    kept = dict(code=service.code, name=service.name, promised_days=15, actions=catalog.actions_of(service),
                fields=json.loads(service.fields))
    before = snapshot()
    for bad, message in (([{"name": ""}], "填写名称"), ([{"name": "户口簿"}, {"name": "户口簿"}], "重复"),
                         ([{"name": "户口簿", "form": "扫描件"}], "形式只能是"),
                         ([{"name": "户口簿", "count": 0}], "份数应在1至99之间"),
                         ([{"name": "户口\x1b[31m簿"}], "材料名称含有控制字符"),
                         ([{"name": "户口簿", "source": "派出所\x00"}], "获取途径含有控制字符")):
        with pytest.raises(DomainError, match=message):
            catalog.save_service(head, materials=bad, **kept)
    assert snapshot() == before
    catalog.save_service(head, materials=[{"name": "户口簿", "form": "复印件", "count": 2, "later": True,
                                           "source": "派出所"}], **kept)
    stored = json.loads(catalog.get_service(catalog.WAGE).materials)
    assert stored == [{"name": "户口簿", "form": "复印件", "count": 2, "later": True, "source": "派出所"}]
    catalog.save_service(head, **kept)  # a caller that does not edit the list keeps it
    assert json.loads(catalog.get_service(catalog.WAGE).materials) == stored


def test_a_deactivated_account_is_refused_and_nothing_is_stored(admin, clerk, resident):
    intake = material_check.create_checked_intake(clerk, wage(resident), [ID_CARD], mode=NOTICE,
                                                deadline=clock.today())
    accounts.set_active(admin, clerk.id, False)
    gone = m.Staff.get_by_id(clerk.id)
    before = snapshot()
    with pytest.raises(DomainError, match="已停用"):
        material_check.create_checked_intake(gone, wage(resident), [ID_CARD, CONTRACT, PAYSLIP])
    with pytest.raises(DomainError, match="已停用"):
        material_check.supply_missing(gone, intake.serial)
    assert snapshot() == before


def test_version_3_station_upgraded_gets_the_lists_and_the_table_of_a_new_one(tmp_path):
    """Schema step 5 from the frozen version-3 fixture: the column by migration, the built-ins' lists
    seeded, the table exactly as a new database has it; the fixture's clerk works with both."""
    old = tmp_path / "v3.db"
    conn = sqlite3.connect(old)
    conn.executescript((FIXTURES / "schema_v3.sql").read_text(encoding="utf-8"))
    conn.close()
    assert station.open_site(str(old)).version_before == 3
    lists = {s.code: json.loads(s.materials) for s in catalog.all_services()}
    assert lists[catalog.WAGE] == DEFAULT_MATERIALS[catalog.WAGE]
    assert all(lists[code] == DEFAULT_MATERIALS[code] for code in DEFAULT_MATERIALS)
    clerk = m.Staff.get(m.Staff.username == "lixia")  # the fixture's clerk
    person = residents.save_resident(clerk, residents.ResidentInput(name="李四", doc_number=make_id()))
    plain = intakes.create_intake(clerk, intakes.IntakeInput(person.id, catalog.PENSION, "生存认证",
                                                             {"cert_year": "2026", "way": "窗口"}))
    assert material_check.check_of(plain) is None  # saved without the checklist (a ledger import, say)
    checked = material_check.create_checked_intake(clerk, intakes.IntakeInput(
        person.id, catalog.PENSION, "生存认证", {"cert_year": "2026", "way": "窗口"}), ["居民身份证"],
        mode=DEFERRED, deadline=clock.today())
    assert material_check.check_of(checked).mode == DEFERRED
    dbmod.close_database()
    station.open_site(str(tmp_path / "new.db"))
    dbmod.close_database()

    def sql(path: Path) -> list[str]:
        conn = sqlite3.connect(path)
        rows = conn.execute("SELECT sql FROM sqlite_master WHERE tbl_name IN ('intake_materials', 'rating',"
                            " 'rating_visit', 'rectification') AND sql IS NOT NULL ORDER BY name").fetchall()
        conn.close()
        return [r[0].replace("CREATE TABLE IF NOT EXISTS", "CREATE TABLE") for r in rows]

    assert sql(old) == sql(tmp_path / "new.db") and len(sql(old)) >= 4


def test_status_changes_wait_for_the_documents(clerk, resident):
    """Only the 补正 makes a 待补正 request an intake, and a 容缺 intake is not 办结 before its 补齐."""
    pending = material_check.create_checked_intake(clerk, wage(resident), [ID_CARD], mode=NOTICE,
                                                 deadline=clock.today())
    deferred = material_check.create_checked_intake(clerk, wage(resident), [ID_CARD, CONTRACT], mode=DEFERRED,
                                                  deadline=clock.today())
    before = snapshot()
    with pytest.raises(DomainError, match="还有材料未补交"):
        intakes.change_status(clerk, pending.serial, intakes.RECEIVED)
    with pytest.raises(DomainError, match="还有材料未补交"):
        intakes.change_status(clerk, deferred.serial, intakes.COMPLETED, result="已追回",
                              completion={"outcome": "协商解决"})
    assert snapshot() == before
    intakes.change_status(clerk, deferred.serial, intakes.IN_PROGRESS)  # work goes on meanwhile
    material_check.supply_missing(clerk, deferred.serial)
    done = intakes.change_status(clerk, deferred.serial, intakes.COMPLETED, result="已追回",
                                 completion={"outcome": "协商解决"})
    assert done.status == intakes.COMPLETED
