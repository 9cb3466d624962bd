import datetime as dt

import peewee
import pytest

from gridstation.core.intake import intakes, residents
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.station import catalog
from gridstation.core.storage import models as m
from tests.helpers import make_id, snapshot

pytestmark = pytest.mark.both_backends

VALID_USCC = "91110000600037341L"

SAMPLES = {
    catalog.UNEMPLOYMENT: ("年检", {"cert_no": "5301110012345", "docs_checked": True}),
    catalog.PENSION: ("生存认证", {"cert_year": "2026", "way": "窗口", "pension_type": "企业职工基本养老保险"}),
    catalog.WAGE: ("欠薪投诉", {"employer": "昆明某建筑劳务有限公司", "employer_uscc": VALID_USCC, "workers": "12",
                            "amount_owed": "¥86,500.50", "period_owed": "2025年3月至6月"}),
    catalog.SUBSIDY_4050: ("申请", {"period": "2026年1月至12月", "insurance_kinds": "养老和医疗保险"}),
}


@pytest.fixture
def resident(admin):
    return residents.save_resident(admin, residents.ResidentInput(
        name="张三", doc_number=make_id("530111", "19700101", "021"), phone="13812345678", is_pensioner=True))


def new_intake(actor, resident, code, **kw):
    action, details = SAMPLES[code]
    return intakes.create_intake(actor, intakes.IntakeInput(resident.id, code, action=action, details=details, **kw))


@pytest.mark.parametrize("code", list(SAMPLES))
def test_each_builtin_service_is_received_with_history(admin, resident, code):
    intake = new_intake(admin, resident, code)
    assert intake.status == intakes.RECEIVED
    assert [e.to_status for e in intakes.history(intake)] == [intakes.RECEIVED]
    service = catalog.get_service(code)
    assert intake.due_date == intake.received_at.date() + dt.timedelta(days=service.promised_days)


def test_serials_are_sequential_per_day_and_unique(admin, resident):
    serials = [new_intake(admin, resident, catalog.UNEMPLOYMENT).serial for _ in range(3)]
    today = clock.today().strftime("%Y%m%d")
    assert serials == [f"SL{today}000{i}" for i in (1, 2, 3)]


def test_failed_save_gives_its_serial_back(admin, resident):
    first = new_intake(admin, resident, catalog.UNEMPLOYMENT).serial
    with pytest.raises(DomainError):
        intakes.create_intake(admin, intakes.IntakeInput(resident.id, catalog.WAGE, details={"employer": "x"}))
    second = new_intake(admin, resident, catalog.UNEMPLOYMENT).serial
    assert int(second[-4:]) == int(first[-4:]) + 1


def test_wage_claim_walks_to_completion_with_amounts(admin, resident):
    intake = new_intake(admin, resident, catalog.WAGE)
    assert intake.amount_owed_fen == 8650050 and intake.workers == 12
    intakes.change_status(admin, intake.serial, intakes.IN_PROGRESS, note="已联系用人单位")
    done = intakes.change_status(admin, intake.serial, intakes.COMPLETED, result="协商解决，已全额支付",
                                 completion={"amount_recovered": "86500.50", "outcome": "协商解决"})
    assert done.status == intakes.COMPLETED and done.amount_recovered_fen == 8650050
    assert [e.to_status for e in intakes.history(done)] == ["受理", "办理中", "办结"]
    assert ("追回金额", "¥86,500.50") in intakes.details_of(done)


def test_returned_and_forwarded_need_a_reason(admin, resident):
    a = new_intake(admin, resident, catalog.SUBSIDY_4050)
    with pytest.raises(DomainError, match="退回需要说明原因"):
        intakes.change_status(admin, a.serial, intakes.RETURNED)
    assert intakes.change_status(admin, a.serial, intakes.RETURNED, note="材料不全").status == intakes.RETURNED
    b = new_intake(admin, resident, catalog.WAGE)
    with pytest.raises(DomainError, match="转往"):
        intakes.change_status(admin, b.serial, intakes.FORWARDED)
    assert intakes.change_status(admin, b.serial, intakes.FORWARDED, forwarded_to="区劳动监察大队").forwarded_to == "区劳动监察大队"


def test_a_closed_intake_cannot_change_again(admin, resident):
    a = new_intake(admin, resident, catalog.UNEMPLOYMENT)
    intakes.change_status(admin, a.serial, intakes.COMPLETED, result="已办结")
    before = snapshot()
    with pytest.raises(DomainError, match="已办结"):
        intakes.change_status(admin, a.serial, intakes.IN_PROGRESS)
    assert snapshot() == before


def test_overdue_rule(admin, resident):
    old = new_intake(admin, resident, catalog.WAGE, received_at=clock.now() - dt.timedelta(days=40))
    assert intakes.is_overdue(old)
    listed = list(intakes.query_intakes(intakes.IntakeFilter(status=intakes.OVERDUE)))
    assert [i.serial for i in listed] == [old.serial]


@pytest.mark.parametrize("code, details, words", [
    (catalog.WAGE, {"employer": "某公司", "workers": "3", "amount_owed": "-5"}, "不能为负数"),
    (catalog.WAGE, {"employer": "某公司", "workers": "3", "amount_owed": "12.345"}, "两位小数"),
    (catalog.WAGE, {"employer": "某公司", "workers": "3", "amount_owed": "100", "employer_uscc": "91110000600037341X"}, "统一社会信用代码"),
    (catalog.PENSION, {"cert_year": "2026", "way": "飞鸽传书"}, "认证方式"),
    (catalog.UNEMPLOYMENT, {"docs_checked": True, "colour": "红"}, "没有字段"),
    (catalog.UNEMPLOYMENT, {"docs_checked": False}, "材料已核验"),
])
def test_bad_service_fields_are_refused_and_nothing_is_stored(admin, resident, code, details, words):
    before = snapshot()
    with pytest.raises(DomainError) as err:
        intakes.create_intake(admin, intakes.IntakeInput(resident.id, code, details=details))
    assert words in err.value.message
    assert snapshot() == before


def test_completing_without_a_result_is_refused(admin, resident):
    a = new_intake(admin, resident, catalog.WAGE)
    before = snapshot()
    with pytest.raises(DomainError, match="办理结果"):
        intakes.change_status(admin, a.serial, intakes.COMPLETED, completion={"outcome": "协商解决"})
    with pytest.raises(DomainError, match="处理方式"):
        intakes.change_status(admin, a.serial, intakes.COMPLETED, result="办完")
    assert snapshot() == before


def test_unknown_serial(admin):
    with pytest.raises(NotFound, match="找不到受理编号"):
        intakes.get_intake("SL209901010001")


def test_pension_roster_and_one_step_certification(admin, resident):
    other = residents.save_resident(admin, residents.ResidentInput(name="李四", doc_number=make_id("530111", "19500101", "033"), is_pensioner=True))
    year = clock.today().year
    assert [r.certified for r in intakes.pension_roster(year)] == [False, False]
    intakes.record_certification(admin, other.id, year, "上门")
    roster = {r.resident.id: r.certified for r in intakes.pension_roster(year)}
    assert roster == {resident.id: False, other.id: True}
    with pytest.raises(DomainError, match="已完成认证"):
        intakes.record_certification(admin, other.id, year, "窗口")


def test_pension_roster_reads_plain_tuples_of_the_columns_shown(admin):
    """28 000 pensioners as model instances made the worker's garbage collections freeze the window:
    the roster reads only what the list and its export show, as tuples."""
    grid = m.Grid.create(name="第三网格")
    r = residents.save_resident(admin, residents.ResidentInput(
        name="王大爷", doc_number=make_id("110105", "19480101", "051"), phone="13800138000", compound="幸福小区",
        building="3", unit="2", room="501", is_pensioner=True))
    m.Resident.update(grid=grid).where(m.Resident.id == r.id).execute()
    residents.save_resident(admin, residents.ResidentInput(name="李阿姨", doc_number=make_id("110105", "19500101", "062"),
                                                           is_pensioner=True))
    by_name = {row.resident.name: row.resident for row in intakes.pension_roster(clock.today().year)}
    person = by_name["王大爷"]
    assert type(person) is intakes.RosterPerson and not isinstance(person, peewee.Model)
    assert (person.id, person.doc_number, person.phone, person.gender, person.birth_date, person.grid_name) == (
        r.id, r.doc_number, "13800138000", r.gender, r.birth_date, "第三网格")
    assert residents.address(person) == "幸福小区3栋2单元501室"
    assert by_name["李阿姨"].grid_name == ""


def test_4050_rule():
    today = dt.date(2026, 6, 1)
    assert intakes.meets_4050("女", dt.date(1986, 6, 1), today)
    assert not intakes.meets_4050("女", dt.date(1986, 6, 2), today)
    assert not intakes.meets_4050("男", dt.date(1980, 1, 1), today)
    assert intakes.meets_4050("男", dt.date(1976, 5, 31), today)


def test_station_defined_service_without_code(head, resident):
    catalog.save_service(head, code="legal_aid", name="法律援助", promised_days=7, actions=["咨询", "代理"],
                         fields=[{"key": "topic", "label": "事由", "type": "text", "required": True}])
    intake = intakes.create_intake(head, intakes.IntakeInput(resident.id, "legal_aid", action="咨询", details={"topic": "邻里纠纷"}))
    assert intake.service.name == "法律援助"
    catalog.save_service(head, code="legal_aid", name="法律援助", promised_days=7, actions=["咨询"], fields=[], active=False)
    with pytest.raises(DomainError, match="已停用"):
        intakes.create_intake(head, intakes.IntakeInput(resident.id, "legal_aid"))
    assert m.Intake.select().where(m.Intake.service == catalog.get_service("legal_aid")).count() == 1


def test_clerk_may_not_edit_the_catalogue(clerk):
    with pytest.raises(DomainError, match="无权"):
        catalog.save_service(clerk, code="x1", name="x", promised_days=1, actions=[], fields=[])


@pytest.mark.parametrize("call, words", [
    (lambda a, r: residents.save_resident(a, residents.ResidentInput(name="某", doc_number=make_id(seq="777"), grid="网" * 41)), "网格名称"),
    (lambda a, r: catalog.save_service(a, code="long_one", name="业" * 61, promised_days=1, actions=[], fields=[]), "60个字"),
    (lambda a, r: intakes.change_status(a, new_intake(a, r, catalog.WAGE).serial, intakes.FORWARDED, forwarded_to="局" * 81), "80个字"),
    (lambda a, r: catalog.save_service(a, code="long_two", name="某业务", promised_days=1, actions=["事" * 31], fields=[]), "30个字"),
])
def test_text_longer_than_its_column_is_refused_in_chinese(admin, resident, call, words):
    with pytest.raises(DomainError, match=words):
        call(admin, resident)


def test_a_serial_reads_back_only_in_the_stations_own_format(db_path, admin):
    """parse_serial is format_serial's inverse: the importer keeps the counter past a kept number with it."""
    day = dt.datetime(2025, 1, 3, 9, 30)
    scope = intakes.serial_scope(day)
    assert intakes.parse_serial(intakes.format_serial(scope, 7)) == (scope, 7)
    prefix = scope[: -len("20250103")]
    for foreign in ("XX202501030007", f"{prefix}20251301 0007".replace(" ", ""), f"{prefix}2025010307",
                    f"{prefix}20250103000７", f"{prefix}2025010300071x", "2025-01-03-7"):
        assert intakes.parse_serial(foreign) is None, foreign
