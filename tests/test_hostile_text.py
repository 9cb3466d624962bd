"""Hostile text from outside (issue 22 item 5, second round): the station's own field labels and choices,
text stored by another tool, scanned files, login names, and what the command line prints."""

from __future__ import annotations

import json

import openpyxl
import pytest

from gridstation.cli import main
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import catalog
from gridstation.core.storage import models as m
from tests.helpers import snapshot


def refused(call, words: str) -> None:
    before = snapshot()
    with pytest.raises(DomainError) as info:
        call()
    assert words in info.value.message, info.value.message
    assert snapshot() == before


@pytest.mark.parametrize("field", [
    {"label": "标签\x1b[31m红", "type": "text"},
    {"label": "标签\u202e红", "type": "text"},
    {"label": "标签\u200b红", "type": "text"},
    {"label": "选项", "type": "choice", "choices": ["\x00零"]},
    {"label": "选项", "type": "choice", "choices": ["甲", "乙\x1b[2J"]},
])
def test_a_services_field_labels_and_choices_refuse_control_and_direction_characters(head, field):
    refused(lambda: catalog.save_service(head, name="测试业务", promised_days=3, actions=["新办"], fields=[field]),
            "字")


def test_intake_export_and_template_are_written_with_a_field_label_stored_before_the_rule(db_path, head, tmp_path,
                                                                                          capsys):
    catalog.save_service(head, name="测试业务", promised_days=3, actions=["新办"],
                         fields=[{"label": "标签", "type": "choice", "choices": ["a"]}])
    svc = m.ServiceType.get(m.ServiceType.name == "测试业务")
    fields = json.loads(svc.fields)
    fields[0].update(label="标签\x1b[31m红", choices=["\x00零"])
    m.ServiceType.update(fields=json.dumps(fields)).where(m.ServiceType.id == svc.id).execute()
    for command in ("export", "template"):
        out = tmp_path / f"{command}.xlsx"
        assert main(["--db", str(db_path), command, "intakes", "--out", str(out)]) == 0, capsys.readouterr().err
        cells = [c for ws in openpyxl.load_workbook(out).worksheets for row in ws.iter_rows(values_only=True)
                 for c in row]
        assert "标签\ufffd[31m红" in cells


def store_bytes_that_are_not_utf8(db_path, person, event_number: str) -> None:
    """What another tool (or a flipped bit) can leave in a text cell: bytes SQLite returns as text."""
    import sqlite3

    from gridstation.core.storage import db

    db.close_database()
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE resident SET notes = CAST(x'41ff42' AS TEXT) WHERE id = ?", (person.id,))
        conn.execute("UPDATE grid_event SET description = CAST(x'41c0af42' AS TEXT) WHERE number = ?",
                     (event_number,))
    conn.close()


def test_text_that_is_not_utf8_neither_fails_exports_and_lists_nor_passes_the_check(db_path, clerk, tmp_path, capsys):
    from gridstation.core.events import rules
    from gridstation.core.events.register import EventInput, register_event
    from gridstation.core.intake import residents
    from tests.helpers import make_id

    person = residents.save_resident(clerk, residents.ResidentInput(name="张三", doc_number=make_id(
        "530111", "19700101", "021"), phone="13812345678"))
    event = register_event(clerk, EventInput("设施损坏", rules.NORMAL, "路灯不亮", rules.PATROL))
    store_bytes_that_are_not_utf8(db_path, person, event.number)
    for kind in ("residents", "events"):
        out = tmp_path / f"{kind}.xlsx"
        assert main(["--db", str(db_path), "export", kind, "--out", str(out)]) == 0, capsys.readouterr().err
    assert main(["--db", str(db_path), "events", "list", "--which", "全部"]) == 0, capsys.readouterr().err
    assert "A\ufffd\ufffdB" in capsys.readouterr().out
    assert main(["--db", str(db_path), "check"]) == 1
    out = capsys.readouterr().out
    assert "resident" in out and "grid_event" in out and "UTF-8" in out


def test_a_stocktake_file_with_control_characters_is_refused_in_chinese_and_nothing_is_saved(db_path, admin,
                                                                                               tmp_path, capsys):
    scanned = tmp_path / "st.txt"
    scanned.write_text("GJ-0001\nGJ-\x1b[2J9999\n\x1b]0;pwn\x07X\nABC\x00DEF\n", encoding="utf-8")
    before = m.StockTake.select().count()
    assert main(["--db", str(db_path), "tools", "stocktake", str(scanned)]) == 2
    captured = capsys.readouterr()
    assert "控制字符" in captured.err and "\x1b" not in captured.err + captured.out
    assert m.StockTake.select().count() == before


@pytest.mark.parametrize("username", ["ad\u200bmin", "ad\u202emin", "u\x1b[31my", "ad min", "admin@x"])
def test_a_login_name_refuses_invisible_direction_and_other_characters(admin, username):
    from gridstation.core.station import accounts

    refused(lambda: accounts.create_staff(admin, username, "张三", "clerk", "pass1234"), "登录名")


def test_a_login_name_may_be_letters_chinese_digits_and_dot_underscore_dash(admin):
    from gridstation.core.station import accounts

    assert accounts.create_staff(admin, " wang.li_2-x ", "王丽", "clerk", "pass1234").username == "wang.li_2-x"
    assert accounts.create_staff(admin, "王丽", "王丽", "clerk", "pass1234").username == "王丽"


def test_refusals_and_import_reports_never_pass_an_escape_or_a_direction_override_to_the_terminal(db_path, admin,
                                                                                                    tmp_path, capsys):
    hostile = tmp_path / "esc.csv"
    hostile.write_text("姓名,身份证号,联系电话\n张三,110101199003077715,1381234\x1b]52;c;ZWNobyBwd25lZA==\x075678\n",
                       encoding="utf-8")
    main(["--db", str(db_path), "import", "residents", str(hostile), "--dry-run"])
    assert main(["--db", str(db_path), "events", "show", "SJ1\x1b[2J\u202e"]) == 2
    printed = "".join(capsys.readouterr())
    assert "1381234␛]52;c;ZWNobyBwd25lZA==␇5678" in printed and "SJ1␛[2J\ufffd" in printed
    assert "\x1b" not in printed and "\x07" not in printed and "\u202e" not in printed


def test_events_list_never_prints_a_direction_override_or_a_line_separator(db_path, clerk, capsys):
    from gridstation.core.events import rules
    from gridstation.core.events.register import EventInput, register_event

    register_event(clerk, EventInput("环境卫生", rules.NORMAL, "a\u202eb\u200bc\u2028d", rules.PATROL))
    assert main(["--db", str(db_path), "events", "list", "--which", "全部"]) == 0
    out = capsys.readouterr().out
    assert "a\ufffdb\ufffdc" in out and not {"\u202e", "\u200b", "\u2028"} & set(out)


def test_an_argument_that_is_not_utf8_is_refused_in_one_chinese_line(db_path, admin, capsys):
    import os

    argument = os.fsdecode(b"\xed\xa0\x80")  # how Python hands such bytes over: as lone surrogates
    before = snapshot()
    assert main(["--db", str(db_path), "events", "add", "--category", "环境卫生", "--description", argument]) == 2
    assert "无效字符" in capsys.readouterr().err
    assert snapshot() == before


@pytest.mark.parametrize("counts", [["--residents", "99999999999", "--intakes", "5"],
                                    ["--residents", "0", "--intakes", "5"]])
def test_demo_checks_its_counts_before_it_creates_the_file(tmp_path, capsys, counts):
    target = tmp_path / "demo.db"
    assert main(["--db", str(target), "demo", *counts]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert not target.exists()


@pytest.mark.parametrize("version", [0, -3])
def test_a_backup_whose_version_is_below_one_is_refused_as_a_version_not_recognised(db_path, admin, tmp_path,
                                                                                    version):
    import sqlite3

    from gridstation.core.station import backup, station

    copy = backup.backup_site(admin, str(db_path), tmp_path / "usb").path
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE schema_version SET version = ?", (version,))
    conn.close()
    before = snapshot()
    with pytest.raises(DomainError, match=f"数据库版本号（{version}）无法识别"):
        station.restore_file(admin, str(db_path), copy)
    assert snapshot() == before
