"""The one check of a count read from a station's summary file (``district``): a file edited by hand or
damaged must not put 10^30 households, a negative count or a fraction into the street office's report."""

from __future__ import annotations

MAX_COUNT = 10**9  # more than any station has of anything; a larger figure is a damaged or forged file


def checked_count(value: object, where: str, *, whole: bool = True) -> int | float:
    """``value`` if it is a non-negative number (an integer unless ``whole`` is False) not above MAX_COUNT;
    ValueError naming ``where`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"{where} 应为非负数，而不是 {value!r}")
    if whole and not isinstance(value, int):
        raise ValueError(f"{where} 应为整数，而不是 {value!r}")
    if value > MAX_COUNT:
        raise ValueError(f"{where} 为 {value:.0f}，超出了一个服务站可能的数目")
    return value
