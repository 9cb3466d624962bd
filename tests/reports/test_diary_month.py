"""A month's 民情日志 printed: the month's entries only, oldest first, heads on every page, station and page below."""

from __future__ import annotations

import datetime as dt

import pytest

from gridstation.core.grids import diary, diary_month, people, register
from gridstation.core.grids.diary import DiaryInput
from gridstation.core.grids.people import PersonInput
from gridstation.core.grids.register import GridInput
from gridstation.core.rules.errors import DomainError
from gridstation.reports.diary_month import render_month
from tests.conftest import pdf_text

pytestmark = pytest.mark.both_backends


def test_a_persons_month_is_printed_with_heads_on_every_page(admin, clerk, tmp_path):
    register.add_grid(admin, GridInput(name="第一网格"))
    zhang = people.add_person(admin, PersonInput("张建国"))
    diary.write_entry(clerk, DiaryInput(zhang.id, dt.date(2026, 10, 31), "上月的事", grid="第一网格"))
    for day in range(1, 31):
        for n in range(2):
            diary.write_entry(clerk, DiaryInput(zhang.id, dt.date(2026, 11, day), f"11月{day}日走访{n}，" + "楼道堆物" * 8,
                                                grid="第一网格", done="已劝导清理"))
    data = diary_month.month_of(2026, 11, person_id=zhang.id)
    assert len(data.rows) == 60 and data.rows[0].on == dt.date(2026, 11, 1) and data.whose == "张建国"
    out = render_month(data, tmp_path / "diary.pdf")
    pages = pdf_text(out).split("\f")
    assert len([p for p in pages if p.strip()]) >= 2
    assert all("所见所闻" in p for p in pages if p.strip())  # the heads repeat
    assert "上月的事" not in pdf_text(out) and "第2页" in pdf_text(out)


def test_a_month_needs_a_person_or_a_grid(admin):
    with pytest.raises(DomainError, match="人员或网格"):
        diary_month.month_of(2026, 11)
