"""Random and hostile values at every service: success, or a Chinese refusal and no change at all."""

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridstation.core.intake import intakes, residents
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import catalog, station
from gridstation.core.storage import models as m
from gridstation.core.toolbox import lending, loan_lists, reservations, returns, tool_stocktake, tool_units
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


# ---------------------------------------------------------------- the tool box

TODAY = clock.today()
DATES = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
MOMENTS = st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59))
RECENT = st.datetimes(min_value=dt.datetime.combine(TODAY - dt.timedelta(days=3), dt.time()),
                      max_value=dt.datetime.combine(TODAY, dt.time()))
SOON = st.dates(min_value=TODAY, max_value=TODAY + dt.timedelta(days=20))
# Small numbers reach the rules behind the range checks; the edges and huge ones test the checks.
NUMBERS = (st.integers(min_value=-3, max_value=210) | st.integers(min_value=-10**20, max_value=10**20)
           | st.sampled_from([2**63 - 1, 2**63, -2**63 - 1, 10**20]))
MONEY = HOSTILE | st.sampled_from(["1e309", "1e-400", "9" * 30 + ".5", "0.001", "50", "-50", "１００"])
CODES = st.lists(HOSTILE | st.sampled_from(["GJ-0001", "GJ-0002", "gj-0003", "ＧＪ－０００２", "XQ-2023-001"]), max_size=5)
SHORT = st.text(max_size=20)
TOOLS = settings(COMMON, max_examples=100)


@st.composite
def arguments(draw, valid: dict, hostile: dict) -> dict:
    """A call's arguments: valid ones, with up to two made hostile.

    With every argument random, the first check refuses nearly every call and the rules and
    writes behind it never run; keeping most arguments valid reaches them.
    """
    bad = draw(st.sets(st.sampled_from(sorted(hostile)), max_size=2))
    return {k: draw(hostile[k] if k in bad else valid[k]) for k in valid}


@pytest.fixture
def box(admin, tmp_path, monkeypatch):
    """Drills GJ-0001..3 (¥50, two parts); a photo the service copies goes under tmp_path."""
    monkeypatch.setenv("GRIDSTATION_DATA_DIR", str(tmp_path / "data"))
    drill = tool_units.save_kind(admin, tool_units.KindInput("电钻", "电动工具", 7, "50", "戴护目镜", ["钻头", "充电器"]))
    tool_units.add_units(admin, drill.id, 3)
    return drill


def shelf_reset(admin) -> None:
    """Every drill back in 在库 and every reservation cancelled, so each example starts alike."""
    for unit in tool_units.unit_rows():
        if unit.state == tool_units.ON_LOAN:
            returns.return_unit(admin, unit.asset_code, deposit_refund="0")
        elif unit.state != tool_units.AVAILABLE:
            tool_units.set_unit_state(admin, unit.asset_code, tool_units.AVAILABLE)
    for reservation in reservations.reservation_rows():
        reservations.cancel_reservation(admin, reservation.id)


def fresh_loan(admin, resident) -> m.Loan:
    """GJ-0001 lent anew to ``resident``, for the calls on a loan."""
    shelf_reset(admin)
    return lending.lend(admin, resident.id, ["GJ-0001"])


@TOOLS
@given(args=arguments(
    {"name": st.sampled_from(["电锤", "电钻", " 扳手 "]), "category": SHORT, "loan_days": st.integers(1, 365),
     "deposit": st.sampled_from(["0", "50", "¥1,200.50", ""]), "safety_note": SHORT, "parts": st.lists(SHORT, max_size=3),
     "photo": st.just(""), "kind_id": st.sampled_from(["new", "box"])},
    {"name": HOSTILE, "category": HOSTILE, "loan_days": HOSTILE | NUMBERS, "deposit": MONEY, "safety_note": HOSTILE,
     "parts": st.lists(HOSTILE, max_size=25), "photo": HOSTILE, "kind_id": NUMBERS}))
def test_save_kind(admin, box, args):
    kind_id = args.pop("kind_id")
    kind_id = {"new": None, "box": box.id}[kind_id] if kind_id in ("new", "box") else kind_id
    either_ok_or_clean_refusal(lambda: tool_units.save_kind(admin, tool_units.KindInput(**args), kind_id))


@TOOLS
@given(args=arguments(
    {"kind_id": st.just("box"), "count": st.integers(1, 5), "codes": st.none() | st.just(["OLD-1", "old-2"]),
     "purchase_date": st.none() | st.dates(TODAY - dt.timedelta(days=3000), TODAY), "notes": SHORT},
    {"kind_id": NUMBERS, "count": NUMBERS, "codes": CODES, "purchase_date": DATES, "notes": HOSTILE}))
def test_add_units(admin, box, args):
    kind_id = args.pop("kind_id")
    either_ok_or_clean_refusal(lambda: tool_units.add_units(admin, box.id if kind_id == "box" else kind_id, **args))


@TOOLS
@given(args=arguments(
    {"resident_id": st.just("known"), "asset_codes": st.sampled_from([["GJ-0002"], ["gj-0003", "ＧＪ－０００２"]]),
     "due_date": st.none() | SOON, "deposit": st.none() | st.sampled_from(["0", "50", "¥100.00"]),
     "parts": st.sampled_from([{}, {"GJ-0002": ["钻头"]}]), "override_reason": st.just(""),
     "lent_at": st.none() | RECENT, "notes": SHORT},
    {"resident_id": NUMBERS, "asset_codes": CODES, "due_date": DATES, "deposit": MONEY,
     "parts": st.dictionaries(HOSTILE | st.just("GJ-0002"), st.lists(HOSTILE)), "override_reason": HOSTILE,
     "lent_at": MOMENTS, "notes": HOSTILE}))
def test_lend(admin, box, resident, args):
    shelf_reset(admin)
    resident_id = args.pop("resident_id")
    either_ok_or_clean_refusal(lambda: lending.lend(admin, resident.id if resident_id == "known" else resident_id,
                                                  **args))


@TOOLS
@given(args=arguments(
    {"asset_code": st.sampled_from(["GJ-0001", "gj-0001"]), "condition": st.sampled_from(tool_units.CONDITIONS),
     "notes": SHORT, "deposit_refund": st.none() | st.sampled_from(["0", "20", ""]),
     "parts_back": st.none() | st.sampled_from([["钻头"], ["钻头", "充电器"], []]), "returned_at": st.none()},
    {"asset_code": HOSTILE, "condition": HOSTILE, "notes": HOSTILE, "deposit_refund": MONEY,
     "parts_back": st.lists(HOSTILE), "returned_at": MOMENTS}))
def test_return_unit(admin, box, resident, args):
    fresh_loan(admin, resident)
    either_ok_or_clean_refusal(lambda: returns.return_unit(admin, **args))


@TOOLS
@given(args=arguments({"slip_no": st.just(""), "due_date": st.none() | st.dates(TODAY + dt.timedelta(days=8),
                                                                                 TODAY + dt.timedelta(days=60))},
                      {"slip_no": HOSTILE, "due_date": DATES}))
def test_renew(admin, box, resident, args):
    loan = fresh_loan(admin, resident)
    either_ok_or_clean_refusal(lambda: lending.renew(admin, args["slip_no"] or loan.slip_no, due_date=args["due_date"]))


@TOOLS
@given(args=arguments({"resident_id": st.just("known"), "kind_id": st.just("box"), "start": SOON,
                       "days": st.integers(0, 10)},
                      {"resident_id": NUMBERS, "kind_id": NUMBERS, "start": DATES, "days": NUMBERS}))
def test_reserve(admin, box, resident, args):
    shelf_reset(admin)
    resident_id, kind_id, start = args["resident_id"], args["kind_id"], args["start"]
    try:
        end = start + dt.timedelta(days=args["days"])
    except OverflowError:  # no such date: the form's date field cannot hold it either
        end = start
    either_ok_or_clean_refusal(lambda: reservations.reserve(
        admin, resident.id if resident_id == "known" else resident_id, box.id if kind_id == "box" else kind_id,
        start, end))


@TOOLS
@given(args=arguments({"slip_no": st.just(""), "outcome": st.sampled_from(["无人接听", "答应周六归还"]),
                       "at": st.none() | RECENT},
                      {"slip_no": HOSTILE, "outcome": HOSTILE, "at": MOMENTS}))
def test_record_reminder(admin, box, resident, args):
    loan = fresh_loan(admin, resident)
    either_ok_or_clean_refusal(lambda: loan_lists.record_reminder(admin, args["slip_no"] or loan.slip_no, args["outcome"],
                                                             at=args["at"]))


@TOOLS
@given(scanned=st.lists(HOSTILE | st.sampled_from(["GJ-0001", "gj-0002", "XQ-2023-001", "GJ-9999"]), max_size=30))
def test_stock_take(admin, box, scanned):
    either_ok_or_clean_refusal(lambda: tool_stocktake.stock_take(admin, scanned))
