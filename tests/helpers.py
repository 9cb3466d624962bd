"""Valid test data built with the same check the app uses."""

from __future__ import annotations

from stdnum.cn import ric


def make_id(region: str = "110101", birth: str = "19900307", seq: str = "771") -> str:
    """An 18-character ID number with the right check character."""
    body = region + birth + seq
    return body + ric.calc_check_digit(body + "0")


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table except the audit log: 'nothing was stored' means this is unchanged."""
    from gridstation.core import db as dbmod

    database = dbmod.current()
    tables = [t for t in database.get_tables() if t != "audit_log"]
    return {t: sorted(database.execute_sql(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
