"""Write resources/calendar/national.json: China's public holidays and make-up working days (调休),
from the ``holidays`` package, for the program to read offline.

Run it before each release (``.venv/bin/python installer/national_calendar.py``) so the release
ships the coming year. The program reads the small file, not the package: importing ``holidays``
loads every country's module (half a second), too slow for a window that computes a due date.

A year is *provisional* when the package knows no make-up working day in it: the State Council
announces the year's arrangement in the autumn before it, and until the package carries it the
year's dates are the rule-based ones (the festival days and their substitutes). The head sees the
mark on the 开放日与节假日 screen and corrects any day there.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from holidays import __version__ as holidays_version
from holidays.countries.china import China

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gridstation.core.rules import clock  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "resources" / "calendar" / "national.json"
FIRST_YEAR = 2020


def national_year(year: int) -> dict:
    """One year's closed days (name) and make-up working days, and whether the year is provisional."""
    cn = China(years=year, language="zh_CN")
    closed = {day.isoformat(): name for day, name in sorted(cn.items()) if day.year == year}
    opened = {day.isoformat(): "调休上班" for day in sorted(cn.weekend_workdays) if day.year == year}
    return {"provisional": not opened, "closed": closed, "open": opened}


def build(last_year: int) -> dict:
    return {"source": f"holidays {holidays_version}",
            "years": {str(year): national_year(year) for year in range(FIRST_YEAR, last_year + 1)}}


def main(argv: list[str]) -> int:
    """``national_calendar.py [LAST_YEAR]``: every year from 2020 to LAST_YEAR (default: the coming year)."""
    last_year = int(argv[0]) if argv else clock.today().year + 1
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(json.dumps(build(last_year), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"已写入 {TARGET}（{FIRST_YEAR}–{last_year}）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
