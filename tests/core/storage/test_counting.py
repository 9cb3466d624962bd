"""One conditional count for every figure query (core/storage/counting.py: count_if)."""

from __future__ import annotations

import re

import pytest
from peewee import fn

from gridstation.core.storage import models as m
from gridstation.core.storage.counting import count_if
from tests.test_layers import PACKAGE

pytestmark = pytest.mark.both_backends


def test_count_if_counts_the_rows_that_match_and_zero_for_none(site_db):
    for name in ("一网格", "二网格", "三网格"):
        m.Grid.create(name=name)
    G = m.Grid  # noqa: N806 - the table, as in SQL
    row = G.select(fn.COUNT(G.id), count_if(G.name.startswith("二")), count_if(G.name == "无"),
                   count_if(G.worker.is_null())).tuples().first()
    assert [int(n) for n in row] == [3, 1, 0, 3]


def test_no_module_writes_its_own_conditional_count():
    """The intakes', materials', events' and ratings' figures each had a private copy of it."""
    twin = re.compile(r"SUM\(\s*Case\(\s*None,\s*\[\(\s*\w+,\s*1\s*\)\],\s*0\s*\)\s*\)")
    owner = PACKAGE / "core" / "storage" / "counting.py"
    texts = {path: path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py") if path != owner}
    copies = [str(path.relative_to(PACKAGE)) for path, text in texts.items() if twin.search(text) or "_count_if" in text]
    assert copies == []
