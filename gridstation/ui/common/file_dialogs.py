"""The program's file dialogs: where they open and how their list reads.

A dialog opens in the folder this PC last used for the same purpose, else the user's documents
folder, never the program's working folder (on an installed station, the hidden data folder, where
no ledger a clerk brings ever is). Where Qt draws the dialog itself (Linux without a desktop's own
dialog), its list shows sizes and dates from the system locale ("20.00 KiB", "7 Dec 2026"): a
proxy shows them the Chinese way (20.0 KB, 2026-12-07 09:30). A native dialog is the system's own.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QIdentityProxyModel, QLocale, QModelIndex, QPersistentModelIndex, QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QFileSystemModel, QWidget

from gridstation.ui.common import local_settings

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


class _ChineseFileList(QIdentityProxyModel):
    """Qt's file list with the size and date columns written for a Chinese reader."""

    SIZE, DATE = 1, 3

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        source = self.sourceModel()
        if (role == Qt.ItemDataRole.DisplayRole and index.column() in (self.SIZE, self.DATE)
                and isinstance(source, QFileSystemModel)):
            info = source.fileInfo(self.mapToSource(index))
            if index.column() == self.DATE:
                return QLocale().toString(info.lastModified(), "yyyy-MM-dd HH:mm")
            if info.isDir():
                return ""
            size = QLocale().formattedDataSize(info.size(), 1, QLocale.DataSizeFormat.DataSizeTraditionalFormat)
            return size.replace("kB", "KB")  # as Windows writes it
        return super().data(index, role)


def file_dialog(parent: QWidget | None, title: str, purpose: str, name_filter: str = "") -> QFileDialog:
    """A file dialog for ``purpose`` opened where ``start_folder`` says, its list in Chinese."""
    dialog = QFileDialog(parent, title, str(start_folder(purpose)), name_filter)
    dialog.setProxyModel(_ChineseFileList(dialog))
    return dialog


def open_file_names(parent: QWidget | None, title: str, purpose: str, name_filter: str, *,
                    many: bool = False) -> list[str]:
    """The files the user chose to open (one unless ``many``); empty when cancelled."""
    dialog = file_dialog(parent, title, purpose, name_filter)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles if many else QFileDialog.FileMode.ExistingFile)
    chosen = dialog.selectedFiles() if dialog.exec() == QFileDialog.DialogCode.Accepted else []
    remember_folder(purpose, chosen[0] if chosen else "")
    return chosen


def open_file_name(parent: QWidget | None, title: str, purpose: str, name_filter: str) -> str:
    """The file the user chose to open; empty when cancelled."""
    return next(iter(open_file_names(parent, title, purpose, name_filter)), "")


def save_file_name(parent: QWidget | None, title: str, purpose: str, suggested: str, name_filter: str) -> str:
    """Where the user chose to save, starting from ``suggested`` in the purpose's folder; empty when cancelled."""
    dialog = file_dialog(parent, title, purpose, name_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.selectFile(suggested)
    chosen = dialog.selectedFiles() if dialog.exec() == QFileDialog.DialogCode.Accepted else []
    remember_folder(purpose, chosen[0] if chosen else "")
    return chosen[0] if chosen else ""
