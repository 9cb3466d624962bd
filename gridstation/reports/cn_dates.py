"""Dates and times as Chinese documents write them."""

from __future__ import annotations

import datetime as dt


def cn_date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value: dt.datetime) -> str:
    return f"{cn_date(value)} {value:%H:%M}"
