"""Valid test data built with the same check the app uses."""

from __future__ import annotations

from stdnum.cn import ric


def make_id(region: str = "110101", birth: str = "19900307", seq: str = "771") -> str:
    """An 18-character ID number with the right check character."""
    body = region + birth + seq
    return body + ric.calc_check_digit(body + "0")
