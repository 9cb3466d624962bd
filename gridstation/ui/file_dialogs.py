"""Where a file dialog opens: the folder this PC last used for the same purpose, else the user's
documents folder, never the program's working folder (on an installed station, the hidden data
folder, where no ledger a clerk brings ever is)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths

from gridstation.ui import local_settings

FOLDERS = "folders/"


def start_folder(purpose: str) -> Path:
    """The folder to open for ``purpose`` (``ledgers`` …): the last one used if it still exists."""
    last = str(local_settings.store().value(FOLDERS + purpose) or "")
    if last and Path(last).is_dir():
        return Path(last)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


def remember_folder(purpose: str, chosen: str) -> None:
    """Keep the folder of a file just chosen for ``purpose``; nothing when the dialog was cancelled."""
    if chosen:
        store = local_settings.store()
        store.setValue(FOLDERS + purpose, str(Path(chosen).parent))
        store.sync()
