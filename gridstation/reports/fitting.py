"""Fitting text into a fixed box (labels, slips): the largest font size that fits, and wrapping by
character, as Chinese wraps."""

from __future__ import annotations

import math

from reportlab.pdfbase import pdfmetrics

from gridstation.reports.fonts import FONT


def fit_font_size(value: str, width: float, largest: float, smallest: float) -> float:
    """The largest size (down to ``smallest``) at which one line of ``value`` fits ``width``."""
    measured = pdfmetrics.stringWidth(value, FONT, 1.0)
    if measured <= 0:
        return largest
    # Rounded down to 0.1 pt so the line measured again at that size is sure to fit.
    return max(smallest, min(largest, math.floor(width / measured * 10) / 10))


def wrap_chars(value: str, width: float, size: float, max_lines: int) -> list[str]:
    """Break a line character by character (Chinese has no spaces); the last line ends in … if cut."""
    lines: list[str] = []
    current = ""
    for char in value:
        if pdfmetrics.stringWidth(current + char, FONT, size) > width and current:
            lines.append(current)
            current = char
        else:
            current += char
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and pdfmetrics.stringWidth(last + "…", FONT, size) > width:
            last = last[:-1]
        lines = lines[:max_lines - 1] + [last + "…"]
    return lines
