"""Random and hostile values at every service: success, or a Chinese refusal and no change at all."""

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridstation.core import catalog, intakes, residents, station
from gridstation.core.errors import DomainError
from tests.helpers import make_id, snapshot

HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["'; DROP TABLE resident; --", "\u0000", "\u202e反转", "𠀀𪚥", " " * 50, "1e309", "NaN", "-0",
                     "9" * 40, "¥-1,000.00", "２０２５", "0x1F", "%s%s%s", "<script>", "\r\n"]),
    st.integers(min_value=-10**20, max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(str),
)
CHINESE = re.compile(r"[\u4e00-\u9fff]")
COMMON = settings(max_examples=40, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def either_ok_or_clean_refusal(call) -> None:
    before = snapshot()
    try:
        call()
    except DomainError as exc:
        assert CHINESE.search(exc.message), exc.message
        assert snapshot() == before


@pytest.fixture
def resident(admin):
    return residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))


@COMMON
@given(name=HOSTILE, number=HOSTILE, phone=HOSTILE, compound=HOSTILE, notes=HOSTILE)
def test_save_resident(admin, name, number, phone, compound, notes):
    either_ok_or_clean_refusal(lambda: residents.save_resident(admin, residents.ResidentInput(
        name=name, doc_number=number, phone=phone, compound=compound, notes=notes)))


@COMMON
@given(employer=HOSTILE, workers=HOSTILE, owed=HOSTILE, uscc=HOSTILE, action=HOSTILE)
def test_create_wage_claim(admin, resident, employer, workers, owed, uscc, action):
    either_ok_or_clean_refusal(lambda: intakes.create_intake(admin, intakes.IntakeInput(
        resident.id, catalog.WAGE, action=action,
        details={"employer": employer, "workers": workers, "amount_owed": owed, "employer_uscc": uscc})))


@COMMON
@given(status=HOSTILE | st.sampled_from(intakes.STATUSES), result=HOSTILE, note=HOSTILE, recovered=HOSTILE)
def test_change_status(admin, resident, status, result, note, recovered):
    intake = intakes.create_intake(admin, intakes.IntakeInput(resident.id, catalog.WAGE, details={
        "employer": "某公司", "workers": "1", "amount_owed": "100"}))
    either_ok_or_clean_refusal(lambda: intakes.change_status(
        admin, intake.serial, status, result=result, note=note,
        completion={"amount_recovered": recovered, "outcome": "其他"} if status == intakes.COMPLETED else None))


@COMMON
@given(values=st.dictionaries(st.sampled_from(["station_name", "serial_prefix", "receipt_size", "idle_lock_minutes",
                                                "loan_limit_units", "holidays", "station_phone"]), HOSTILE, min_size=1))
def test_update_settings(admin, values):
    either_ok_or_clean_refusal(lambda: station.update_settings(admin, values))


@COMMON
@given(code=HOSTILE, name=HOSTILE, days=st.integers(-1000, 1000), label=HOSTILE, kind=HOSTILE)
def test_save_service(admin, code, name, days, label, kind):
    either_ok_or_clean_refusal(lambda: catalog.save_service(
        admin, code=code, name=name, promised_days=days, actions=[name],
        fields=[{"key": "f1", "label": label, "type": kind}]))
