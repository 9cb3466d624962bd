"""No text the app writes into a spreadsheet can run as a formula (issue 12, item 8).

One station is filled with hostile text in every place a person can type it (names, notes, a tool's
name, an employer, a service and its field, a staff name, a district file's station name). Every
file the app writes for people is then made through its real entry point and opened with
openpyxl: not one cell may be a formula, and the hostile text must read back exactly as stored.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import Cell

from gridstation.cli import main
from gridstation.core.evaluation import ratings, rectification
from gridstation.core.events import register as events
from gridstation.core.grids import people, places, register
from gridstation.core.grids.register import GridInput
from gridstation.core.intake import intakes, residents
from gridstation.core.ledgers.ledger_export import EXPORT_KINDS, export_rows
from gridstation.core.ledgers.spreadsheet_safety import as_text, is_risky
from gridstation.core.rules import clock
from gridstation.core.station import accounts, catalog, roles
from gridstation.core.storage import db as dbmod
from gridstation.core.toolbox import lending, tool_units
from tests.conftest import PASSWORD
from tests.helpers import make_id, person_of

LINK = '=HYPERLINK("http://x","y")'
HOSTILE = {
    "name": LINK, "compound": "@SUM(A1)", "notes": "-1+2", "grid": "+1", "documents": "=cmd|' /C calc'!A0",
    "employer": "=1+1", "kind": "=3+3", "unit": "+4", "staff": "@staff", "service": "=SVC()", "label": "=FIELD",
    "station": '=HYPERLINK("http://evil","站")', "error": "#N/A", "place": "=PLACE()", "found": "+found",
    "reporter": "@reporter", "rating": "=RATING()", "finding": "-finding", "property": "=PROPERTY()",
    "role": "+role", "scope": "-scope",
}


def cells(path: Path) -> list[Cell]:
    book = openpyxl.load_workbook(path)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_safe(path: Path, *expected: str) -> None:
    """No formula cell anywhere in ``path``, and each expected hostile text present as a text cell."""
    found = cells(path)
    formulas = [f"{c.parent.title}!{c.coordinate}={c.value!r}" for c in found if c.data_type == "f"]
    assert formulas == [], f"{path.name}: {formulas}"
    texts = {c.value for c in found if c.data_type == "s"}
    missing = [text for text in expected if text not in texts]
    assert missing == [], f"{path.name} lost {missing}"


def hostile_station(admin) -> None:
    catalog.save_service(admin, code="hostile", name=HOSTILE["service"], promised_days=5, actions=["办理"],
                         fields=[{"key": "thing", "label": HOSTILE["label"], "type": "text"}])
    clerk = accounts.create_staff(admin, "clerk", HOSTILE["staff"], roles.CLERK, PASSWORD)
    person_of(clerk)  # the events ledger names the person who found the event: the account's person
    grid = register.add_grid(admin, GridInput(name=HOSTILE["grid"], scope=HOSTILE["scope"]))  # the grid box never creates
    places.add_building(admin, places.BuildingInput(HOSTILE["compound"], "3号楼", grid.code,
                                                    property_company=HOSTILE["property"]))
    keeper = people.add_person(admin, people.PersonInput(HOSTILE["name"], "13812345678"))
    people.assign_role(admin, keeper.id, people.RoleInput(HOSTILE["role"], grid.code))
    person = residents.save_resident(admin, residents.ResidentInput(
        name=HOSTILE["name"], doc_number=make_id(), phone="13812345678", compound=HOSTILE["compound"],
        grid=HOSTILE["grid"], is_pensioner=True, notes=HOSTILE["notes"]))
    now = clock.now()
    intakes.create_intake(clerk, intakes.IntakeInput(person.id, catalog.WAGE, details={
        "employer": HOSTILE["employer"], "workers": 3, "amount_owed": "100"}, documents=HOSTILE["documents"],
        received_at=now - dt.timedelta(hours=1)))
    intakes.create_intake(clerk, intakes.IntakeInput(person.id, "hostile", details={"thing": HOSTILE["error"]},
                                                     received_at=now - dt.timedelta(minutes=30)))
    kind = tool_units.save_kind(admin, tool_units.KindInput(name=HOSTILE["kind"], loan_days=3, deposit="-0"))
    tool_units.add_units(admin, kind.id, codes=["GJ-0001"], notes=HOSTILE["unit"])
    lent = now - dt.timedelta(days=9)
    lending.lend(admin, person.id, ["GJ-0001"], lent_at=lent, due_date=(lent + dt.timedelta(days=3)).date())
    closed = intakes.create_intake(clerk, intakes.IntakeInput(person.id, "hostile", details={"thing": "x"},
                                                              received_at=now - dt.timedelta(minutes=20)))
    intakes.change_status(clerk, closed.serial, intakes.COMPLETED, result="已办", at=now - dt.timedelta(minutes=10))
    ratings.record_rating(clerk, closed.serial, "不满意", channel="纸质卡", reasons=["态度"], text=HOSTILE["rating"])
    rectification.record_visit(admin, closed.serial, HOSTILE["finding"])
    events.register_event(clerk, events.EventInput(
        category="环境卫生", level="一般", description=HOSTILE["found"], source="居民反映", place=HOSTILE["place"],
        reporter=events.PartyInput(name=HOSTILE["reporter"], phone="13812345678")))


def test_every_file_the_app_writes_keeps_hostile_text_as_text(site_db, admin, tmp_path, capsys):
    hostile_station(admin)
    expected = {
        "residents": [HOSTILE[k] for k in ("name", "compound", "notes", "grid")],
        "intakes": [HOSTILE[k] for k in ("name", "documents", "employer", "staff", "service", "label", "error")],
        "tools": [HOSTILE["kind"], HOSTILE["unit"]],
        "loans": [HOSTILE["kind"], HOSTILE["name"]],
        "overdue": [HOSTILE["name"], f"{HOSTILE['kind']}（GJ-0001）"],
        "roster": [HOSTILE["name"], HOSTILE["compound"], HOSTILE["grid"]],
        "events": [HOSTILE[k] for k in ("place", "found", "reporter", "staff")],
        "ratings": [HOSTILE[k] for k in ("name", "service", "staff", "rating", "finding")],
        "grids": [HOSTILE[k] for k in ("grid", "scope", "compound", "property")],
        "gridpeople": [HOSTILE[k] for k in ("name", "role", "grid")],
    }
    assert set(expected) == set(EXPORT_KINDS)  # a new export must join this test
    for kind in EXPORT_KINDS:
        out = tmp_path / f"{kind}.xlsx"
        assert export_rows(kind, None, out, actor=admin) >= 1
        assert_safe(out, *expected[kind])

    assert main(["--db", site_db, "template", "intakes", "--out", str(tmp_path / "template.xlsx")]) == 0
    assert_safe(tmp_path / "template.xlsx", HOSTILE["label"])

    ledger = tmp_path / "bad.csv"
    quoted = '"' + LINK.replace('"', '""') + '"'
    ledger.write_text(f"姓名,身份证号\n{quoted},123\n", encoding="utf-8")
    assert main(["--db", site_db, "import", "residents", str(ledger), "--valid-only",
                 "--skipped-report", str(tmp_path / "skipped.xlsx")]) == 0
    assert_safe(tmp_path / "skipped.xlsx", LINK)

    month = clock.today().strftime("%Y-%m")
    summary = tmp_path / "summary.json"
    assert main(["--db", site_db, "report", "monthly", "--month", month, "--out", str(tmp_path / "m.pdf"),
                 "--xlsx", str(tmp_path / "monthly.xlsx"), "--export-summary", str(summary)]) == 0
    assert_safe(tmp_path / "monthly.xlsx", HOSTILE["service"])
    dbmod.close_database()

    data = json.loads(summary.read_text(encoding="utf-8"))  # another station's file, as it arrives
    data["station"]["name"] = HOSTILE["station"]
    summary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["district", "--month", month, str(summary), "--out", str(tmp_path / "d.pdf"),
                 "--xlsx", str(tmp_path / "district.xlsx"), "--office", "@街道"]) == 0
    assert_safe(tmp_path / "district.xlsx", HOSTILE["station"])
    capsys.readouterr()


def test_only_text_is_neutralised_numbers_stay_numbers(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    values = [-5, -1.5, 0, "-5", "+1", "=1+1", "@x", "\tx", "#DIV/0!", "普通", "a=b"]
    for column, value in enumerate(values, start=1):
        as_text(sheet.cell(1, column, value))
    book.save(tmp_path / "mixed.xlsx")
    back = {c.value: c for c in cells(tmp_path / "mixed.xlsx")}
    assert [back[v].data_type for v in (-5, -1.5, 0)] == ["n", "n", "n"]
    for text in ("-5", "+1", "=1+1", "@x", "\tx", "#DIV/0!"):
        assert back[text].data_type == "s" and back[text].quotePrefix, text
    assert not back["普通"].quotePrefix and not back["a=b"].quotePrefix
    assert not is_risky(-5) and not is_risky(None) and is_risky("\rx")  # XML reads a stored CR back as LF
