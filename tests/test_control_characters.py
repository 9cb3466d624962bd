"""Control characters (issue 22 item 5): one free-text rule at every field and import; exports never
fail on text stored before it; the log never quotes a record; the terminal never gets an escape."""

from __future__ import annotations

import logging
import sys

import openpyxl
import pytest

from gridstation.cli import main
from gridstation.core.evaluation import ratings
from gridstation.core.evaluation.rules import SCREEN
from gridstation.core.events import handling, mediation, rules
from gridstation.core.events.register import EventInput, PartyInput, register_event
from gridstation.core.intake import intakes, material_check, residents
from gridstation.core.ledgers import ledger_read
from gridstation.core.ledgers.ledger_import import ImportOptions, run_import
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import catalog
from gridstation.core.station.material_list import materials_of
from gridstation.core.storage import logs
from gridstation.core.storage import models as m
from gridstation.core.toolbox import tool_units
from tests.helpers import make_id, snapshot

ID = make_id("530111", "19700101", "021")
PHONE = "13812345678"
CONTROLS = ["\x00", "\x0b", "\x1b[2J", "\x07", "\x7f", "\x9b31m"]


@pytest.fixture
def person(admin):
    return residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=ID, phone=PHONE))


@pytest.fixture
def dispute(clerk, person):
    event = register_event(clerk, EventInput("矛盾纠纷", rules.NORMAL, "楼上漏水", rules.PATROL))
    mediation.add_party(clerk, event.number, PartyInput(resident_id=person.id))
    mediation.add_party(clerk, event.number, PartyInput(name="李四", phone="13900001111"))
    mediation.record_session(clerk, event.number, "调解室", "王调解员", "双方到场")
    return event.number


def pension(person, **kw) -> intakes.IntakeInput:
    return intakes.IntakeInput(person.id, catalog.PENSION, "生存认证", {"cert_year": "2026", "way": "窗口"}, **kw)


def refused(call, words: str = "控制字符") -> None:
    before = snapshot()
    with pytest.raises(DomainError) as info:
        call()
    assert words in info.value.message, info.value.message
    assert snapshot() == before


@pytest.mark.parametrize("bad", CONTROLS)
def test_every_free_text_field_refuses_control_characters(clerk, admin, person, dispute, bad):
    event = register_event(clerk, EventInput("设施损坏", rules.NORMAL, "路灯不亮", rules.PATROL))
    refused(lambda: register_event(clerk, EventInput("设施损坏", rules.NORMAL, f"路灯{bad}不亮", rules.PATROL)))
    refused(lambda: register_event(clerk, EventInput("设施损坏", rules.NORMAL, "路灯不亮", rules.PATROL,
                                                     place=f"3栋{bad}")))
    refused(lambda: register_event(clerk, EventInput("设施损坏", rules.NORMAL, "路灯不亮", rules.RESIDENT_REPORT,
                                                     reporter=PartyInput(name="王五", address=f"3栋{bad}"))))
    refused(lambda: handling.add_note(clerk, event.number, f"已联系{bad}物业"))
    refused(lambda: mediation.record_outcome(clerk, dispute, rules.MEDIATION_SUCCESS, terms=f"赔偿{bad}800元"))
    refused(lambda: mediation.record_session(clerk, dispute, f"调解室{bad}", "王调解员", "再次到场"))
    intake = intakes.create_intake(clerk, pension(person))
    refused(lambda: ratings.record_rating(clerk, intake.serial, "满意", channel=SCREEN, text=f"好{bad}"))
    refused(lambda: intakes.change_status(clerk, intake.serial, intakes.COMPLETED, result=f"认证{bad}通过"))
    brought = [d.name for d in materials_of(catalog.get_service(catalog.PENSION))]
    refused(lambda: material_check.create_checked_intake(clerk, pension(person, documents=f"另附{bad}照片"), brought))
    refused(lambda: residents.save_resident(admin, residents.ResidentInput(
        name="赵六", doc_number=make_id("530111", "19700101", "035"), notes=f"独居{bad}")))
    refused(lambda: tool_units.save_kind(admin, tool_units.KindInput("梯子", safety_note=f"两人{bad}扶梯")))


@pytest.mark.parametrize("name", ["王\u202e五", "王\u200b五", "王\x0b五"])
def test_names_of_parties_and_reporters_refuse_bidi_and_invisible_characters(clerk, dispute, name):
    refused(lambda: register_event(clerk, EventInput("设施损坏", rules.NORMAL, "路灯不亮", rules.RESIDENT_REPORT,
                                                     reporter=PartyInput(name=name))), "看不见的字符")
    refused(lambda: mediation.add_party(clerk, dispute, PartyInput(name=name)), "看不见的字符")


def test_lines_and_tabs_stay_where_a_field_allows_lines_and_become_spaces_in_one_line_fields(clerk):
    event = register_event(clerk, EventInput("设施损坏", rules.NORMAL, "一、路灯不亮\r\n二、\t井盖松动", rules.PATROL,
                                             place="3栋\n东侧"))
    assert (event.description, event.place) == ("一、路灯不亮\n二、\t井盖松动", "3栋 东侧")


def test_imports_refuse_a_cell_with_control_characters_and_name_its_column(site_db, tmp_path):
    path = tmp_path / "r.csv"  # a CSV carries what an xlsx cannot: the ESC byte itself
    path.write_text(f"姓名,身份证号,联系电话,小区,备注\n张三,{ID},{PHONE},星天地,独居\x1b[2J老人\n", encoding="utf-8")
    before = snapshot()
    report = run_import(ledger_read.open_ledger(path, "residents"), None, ImportOptions())
    assert [(p.row, p.column) for p in report.problems] == [(2, "备注")]
    assert "控制字符" in report.problems[0].message
    assert snapshot() == before


def store_old_text(person, clerk) -> str:
    """Text with controls as an older version stored it (the services refuse it now)."""
    event = register_event(clerk, EventInput("设施损坏", rules.NORMAL, "路灯不亮", rules.PATROL))
    intake = intakes.create_intake(clerk, pension(person))
    bad = "独居\x00\x0b\x1b[31m老人"
    m.Resident.update(notes=bad, compound=bad).where(m.Resident.id == person.id).execute()
    m.Intake.update(documents=bad).where(m.Intake.id == intake.id).execute()
    m.GridEvent.update(description=bad, place=bad).where(m.GridEvent.id == event.id).execute()
    return event.number


@pytest.mark.parametrize("kind", ["residents", "intakes", "events"])
def test_exports_never_fail_on_stored_text_and_show_where_a_control_was(db_path, clerk, person, tmp_path, kind,
                                                                        capsys):
    store_old_text(person, clerk)
    out = tmp_path / f"{kind}.xlsx"
    assert main(["--db", str(db_path), "export", kind, "--out", str(out)]) == 0, capsys.readouterr().err
    cells = [c for row in openpyxl.load_workbook(out).worksheets[0].iter_rows(values_only=True) for c in row]
    assert "独居\ufffd\ufffd\ufffd[31m老人" in cells


def test_the_log_holds_where_an_error_happened_never_the_record_it_quoted(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDSTATION_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    try:
        logs.setup()
        quoted = f"张三 {ID} {PHONE}"  # what openpyxl's or PostgreSQL's message quotes of a record
        try:
            try:
                raise KeyError(quoted)
            except KeyError as exc:
                raise ValueError(quoted) from exc
        except ValueError:
            logs.log_exception(*sys.exc_info())
            logging.getLogger("gridstation.core.storage.child_work").exception("work in a child process failed")
        logged = logs.log_file().read_text(encoding="utf-8")
    finally:
        monkeypatch.undo()
        logs.setup()  # back to the session's folder
    assert "builtins.KeyError" in logged and "builtins.ValueError" in logged and "test_control_characters" in logged
    assert ID not in logged and PHONE not in logged and "张三" not in logged


def test_events_show_and_list_never_pass_an_escape_sequence_to_the_terminal(db_path, clerk, person, capsys):
    number = store_old_text(person, clerk)
    m.EventStep.update(note="巡查\x1b]0;owned\x07").execute()
    shown = {}
    for argv in (["events", "show", number], ["events", "list", "--which", "全部"]):
        assert main(["--db", str(db_path), *argv]) == 0
        shown[argv[1]] = out = capsys.readouterr().out
        assert "\x1b" not in out and "\x00" not in out and "\x07" not in out and "\x0b" not in out
        assert "独居␀␋␛[31m老人" in out
    assert "巡查␛]0;owned␇" in shown["show"]


def test_the_stations_own_lists_and_settings_refuse_control_characters(head, admin):
    from gridstation.core.events import lists
    from gridstation.core.station import station

    refused(lambda: lists.save_category(head, "噪音\x1b[2J", 3, 1))
    refused(lambda: lists.save_partner(head, "物业\x00"))
    refused(lambda: catalog.save_service(head, name="法律援助", promised_days=5, actions=["咨询\x0b"], fields=[]))
    refused(lambda: station.update_settings(admin, {"station_address": "广福路\x1b1号"}))


def test_the_monthly_report_is_written_with_a_name_stored_before_the_rule(db_path, clerk, person, tmp_path, capsys):
    intakes.create_intake(clerk, pension(person))
    m.ServiceType.update(name="养老\x0b认证").where(m.ServiceType.code == catalog.PENSION).execute()
    month = f"{m.Intake.get().received_at:%Y-%m}"
    out, xlsx = tmp_path / "月报.pdf", tmp_path / "月报.xlsx"
    assert main(["--db", str(db_path), "report", "monthly", "--month", month, "--out", str(out),
                 "--xlsx", str(xlsx)]) == 0, capsys.readouterr().err
    cells = [c for ws in openpyxl.load_workbook(xlsx).worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "养老\ufffd认证" in cells
