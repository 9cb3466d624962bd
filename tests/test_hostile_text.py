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
