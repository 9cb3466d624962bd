"""A rate is written one way in every document (core/rules/rates.py): the annual PDF's paragraph and tables
print ``percent``, and the workbook stores the fraction in the number format that shows the same digits."""

from __future__ import annotations

import re

import openpyxl
import pytest

from gridstation.core.rules.rates import SHEET_FORMAT, percent
from gridstation.reports.annual import write_annual
from tests.conftest import pdf_text
from tests.core.evaluation.test_evaluation_stats import TODAY, october  # noqa: F401 - october is a fixture

pytestmark = pytest.mark.both_backends


def test_the_annual_pdf_and_workbook_write_each_rate_alike(october, tmp_path):
    pdf = write_annual(2026, tmp_path / "a.pdf", tmp_path / "a.xlsx", today=TODAY)
    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    formats = {c.number_format for sheet in book for row in sheet.iter_rows() for c in row if "%" in c.number_format}
    assert formats == {SHEET_FORMAT}  # every rate cell of every sheet
    rows = {r[0]: r[1:] for r in book["好差评"].iter_rows(min_row=4, values_only=True)}
    shown = {label: percent(rows[label][0]) for label in ("评价率", "满意率", "整改率", "按时整改率")}
    assert shown == {"评价率": "87.5%", "满意率": "57.1%", "整改率": "100.0%", "按时整改率": "50.0%"}
    text = pdf_text(pdf)
    for label, rate in shown.items():  # the table row: this year, then the year before (nothing rated: —)
        assert re.search(rf"^\s*{label}\s+{re.escape(rate)}\s+—\s*$", text, re.M), label
    paragraph = re.sub(r"\s+", "", text)
    assert "满意率57.1%；差评2件，整改率100.0%。" in paragraph and "整改率100%" not in paragraph
