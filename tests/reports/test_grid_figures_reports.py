"""The grid register's figures in the monthly and annual PDF and Excel: read back from the files written."""

from __future__ import annotations

import re

import openpyxl
import pytest

from gridstation.core.statistics.grid_tables import INDENT
from gridstation.reports.annual import write_annual
from gridstation.reports.monthly import write_monthly
from tests.conftest import pdf_text
from tests.core.grids.test_figures import MAY, TODAY, station  # noqa: F401 - a fixture: the tests name it

pytestmark = pytest.mark.both_backends


def sheet_rows(book: openpyxl.Workbook, name: str) -> dict[str, tuple]:
    """A sheet's rows below its title and header, by their first cell."""
    return {row[0]: row for row in book[name].iter_rows(min_row=4, values_only=True) if row[0]}


def test_the_monthly_report_prints_the_grids_of_the_month(station, tmp_path):  # noqa: F811
    pdf, xlsx = tmp_path / "may.pdf", tmp_path / "may.xlsx"
    write_monthly(MAY[0], pdf, xlsx, today=TODAY)
    book = openpyxl.load_workbook(xlsx)
    figures = sheet_rows(book, "网格与网格力量")
    assert figures["网格（个）"][1:5] == (4, 4, 0, 4)  # 本月, 上月, 去年同月 (none open yet), 本年累计
    assert figures["户数（户）"][1] == 56 and figures["在册居民（人）"][1] == 6
    assert figures["每名网格员联系户数"][1] == 18.7  # 56 ÷ 3, one decimal as days are written
    assert (figures["民情日志（条）"][1], figures["民情日志转为事件（条）"][1]) == (2, 1)
    levels = sheet_rows(book, "网格设置")
    assert (levels["四级"][1:], levels["五级"][1:], levels["合计"][1:]) == ((2, 1, 3), (1, 0, 1), (3, 1, 4))
    grids = sheet_rows(book, "各网格")
    assert list(grids) == ["阳光社区", f"{INDENT}第一网格", f"{INDENT * 2}第一微网格", f"{INDENT}第二网格",
                           f"{INDENT}第三网格", "合计"]
    assert grids[f"{INDENT}第一网格"][1:7] == ("WG001", "四级", 2, 52, 1, 1)  # the code: names repeat
    assert grids["合计"][3:6] == (3, 56, 6)

    text = pdf_text(pdf)
    flat = re.sub(r"\s+", "", text)
    for heading in ("网格、楼栋与网格力量", "网格设置（按层级和类型，本月）", "各网格楼栋、住户与网格力量（本月）"):
        assert heading in flat
    assert re.search(r"^\s*户数（户）\s+56\s+", text, re.M)
    assert re.search(r"^\s*第一微网格\s+WG\d+\s+五级\s+1\s+40\s+1\s+0\s+—\s+2\s+1\s*$", text, re.M)


def test_the_annual_report_says_the_grids_in_the_seeds_words(station, tmp_path):  # noqa: F811
    pdf, xlsx = tmp_path / "2025.pdf", tmp_path / "2025.xlsx"
    write_annual(2025, pdf, xlsx, today=TODAY)
    flat = re.sub(r"\s+", "", pdf_text(pdf))
    assert "社区划分为2个四级网格、1个五级网格，配备专职网格员2名、楼栋长1名，每名网格员联系28户居民。" in flat
    assert "网格设置（按层级和类型，年末）" in flat
    grids = sheet_rows(openpyxl.load_workbook(xlsx), "各网格")
    assert f"{INDENT}第三网格" not in grids  # closed on 30 June: not a grid at the year's end
    assert grids["合计"][3:6] == (3, 55, 4)
