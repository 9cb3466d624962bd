"""Settings of this PC, not of the station: which printer this window prints on.

The database holds what the whole station shares (its name, receipt size, opening days …). On a
PostgreSQL station every window reads the same database, so a printer name stored there would send
window 1's receipts to window 2's printer. What belongs to one PC is kept with Qt's QSettings, per
user of that PC, in an INI file (organisation "GridStation"): on Windows under %APPDATA%, elsewhere
under ~/.config. A PC that has not chosen yet uses the printer an older version stored for the
station, so an upgrade prints where it printed before.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from gridstation.core.storage import settings

ORGANISATION = APPLICATION = "GridStation"
PRINTER = "printing/printer"


def store() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)


def printer() -> str:
    """This PC's receipt printer; empty for the system's default printer."""
    local = store()
    if local.contains(PRINTER):
        return str(local.value(PRINTER) or "")
    return str(settings.get("printer") or "")


def set_printer(name: str) -> bool:
    """Remember this PC's printer; True when that changed what it was."""
    name = (name or "").strip()
    changed = printer() != name
    local = store()
    local.setValue(PRINTER, name)
    local.sync()
    return changed
