"""Valid test data built with the same check the app uses."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from stdnum.cn import ric

ROOT = Path(__file__).resolve().parents[1]  # the project, for commands run as their own process
FIXTURES = Path(__file__).resolve().parent / "fixtures"  # frozen schemas of past versions, test screens


def make_id(region: str = "110101", birth: str = "19900307", seq: str = "771") -> str:
    """An 18-character ID number with the right check character."""
    body = region + birth + seq
    return body + ric.calc_check_digit(body + "0")


def table_sql(path: Path, tables: set[str]) -> dict[str, str]:
    """The CREATE statements (tables and indexes) of ``tables`` as SQLite keeps them in the file at ``path``:
    what a schema step created compared with what a new database gets."""
    conn = sqlite3.connect(path)
    marks = ",".join("?" * len(tables))
    rows = conn.execute(f"SELECT name, sql FROM sqlite_master WHERE tbl_name IN ({marks}) AND sql IS NOT NULL",
                        sorted(tables)).fetchall()
    conn.close()
    return {name: sql.replace("CREATE TABLE IF NOT EXISTS", "CREATE TABLE") for name, sql in rows}


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table except the audit log: 'nothing was stored' means this is unchanged."""
    from gridstation.core.storage import db as dbmod

    database = dbmod.current()
    tables = [t for t in database.get_tables() if t != "audit_log"]
    return {t: sorted(database.execute_sql(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}


def type_text(qtbot, widget, text: str) -> None:
    """Type as staff do: ASCII key by key, Chinese as a pinyin IME delivers it (a committed string).

    QTest cannot synthesise key events for non-ASCII characters, and a real IME does not send them
    either: it commits the chosen characters with a QInputMethodEvent.
    """
    import re

    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    for chunk in re.findall(r"[\x00-\x7f]+|[^\x00-\x7f]+", text):
        if chunk.isascii():
            qtbot.keyClicks(widget, chunk)
        else:
            event = QInputMethodEvent()
            event.setCommitString(chunk)
            QApplication.sendEvent(widget, event)


def activate(qtbot, window) -> None:
    """Make ``window`` the active window so its keyboard shortcuts fire, as they do for a user."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def show_at_counter_size(qtbot, widget):
    """Show ``widget`` at the counter PC's 1366×768 and make it active; returns it."""
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    activate(qtbot, widget)
    return widget


# root ignores file permissions: a command that must meet an unreadable or read-only file runs, as
# root, without the capabilities that bypass them (still root, so it reaches Python and the project).
WITHOUT_FILE_RIGHTS = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
                       "--inh-caps=-dac_override,-dac_read_search", "--"] if os.geteuid() == 0 else []


def person_of(staff):
    """The register's person a login account is, made once where there is none (as schema step 9 made one
    for each account an event named): events are found by and assigned to people."""
    from gridstation.core.grids import people

    return people.person_of_staff(staff) or people.add_person(None, people.PersonInput(staff.display_name,
                                                                                      staff_id=staff.id))
