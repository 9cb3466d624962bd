"""The year's paragraph (core/statistics/year_paragraph.py): assembled in statistics from the sentences
each domain offers, every rate written by the one formatter, and handed whole to the annual report."""

from __future__ import annotations

import re

import pytest

from gridstation.core.rules.rates import percent
from gridstation.core.statistics import year_paragraph
from gridstation.core.statistics.report_content import annual_report
from gridstation.core.statistics.stats_tables import StatTable, display
from gridstation.reports.annual import write_annual
from tests.conftest import pdf_text
from tests.core.evaluation.test_evaluation_stats import TODAY, october  # noqa: F401 - october is a fixture

pytestmark = pytest.mark.both_backends


def cell(tables: list[StatTable], key: str, label: str, column: int = 1) -> str:
    """A table's cell as the PDF prints it: the row whose first cell is ``label``."""
    table = next(t for t in tables if t.key == key)
    return display(next(row for row in table.rows if row[0] == label)[column])


def test_every_rate_in_the_paragraph_is_written_as_the_tables_beside_it(october):
    """October's two bad ratings are both rectified by the end of November: 整改率 100 %, printed
    「100.0%」 in the paragraph as in the table, never 「100%」 beside it."""
    report = annual_report(2026, TODAY)
    rates = dict(re.findall(r"(办结率|满意率|整改率|占领取养老金人员的)达?(\d+(?:\.\d+)?%)", report.paragraph))
    assert set(rates) == {"办结率", "满意率", "整改率"}
    assert all(re.fullmatch(r"\d+\.\d%", shown) for shown in rates.values()), report.paragraph
    assert rates["整改率"] == cell(report.tables, "好差评", "整改率") == percent(1.0) == "100.0%"
    assert rates["满意率"] == cell(report.tables, "好差评", "满意率") == "57.1%"
    assert rates["办结率"] == cell(report.tables, "业务受理", "合计", -2)


def test_a_domain_adds_its_sentence_in_its_own_package(october, monkeypatch, tmp_path):
    """The paragraph reads each domain's sentence in turn; the annual PDF prints what statistics assembled,
    so a new domain's sentence reaches the report without the report knowing the domain."""
    def meetings(year) -> str:
        return f"开展议事协商{year.total.completed}次。"

    monkeypatch.setattr(year_paragraph, "DOMAIN_SENTENCES", (*year_paragraph.DOMAIN_SENTENCES, meetings))
    paragraph = annual_report(2026, TODAY).paragraph
    assert paragraph.endswith("差评2件，整改率100.0%。开展议事协商8次。")
    assert paragraph in re.sub(r"\s+", "", pdf_text(write_annual(2026, tmp_path / "a.pdf", today=TODAY)))
