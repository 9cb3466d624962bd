"""Qt's own Chinese: the texts of message-box buttons, file and print dialogs come from Qt itself.

PySide6 ships Qt's translations (``qtbase_zh_CN.qm``); without loading them a clerk sees "&Yes",
"Look in:" and "File name:" in an otherwise Chinese program. The PyInstaller bundle keeps the
``_zh_CN`` files (installer/gridstation.spec drops the other languages), in the same relative place.
"""

from __future__ import annotations

from pathlib import Path

import PySide6
from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

CATALOGUES = ("qtbase_zh_CN",)

_installed: list[QTranslator] = []


class _CatalogueGaps(QTranslator):
    """The file list's words that qtbase_zh_CN leaves in English (its type column said "Folder")."""

    TEXTS = {("QAbstractFileIconProvider", "Folder"): "文件夹", ("QAbstractFileIconProvider", "File"): "文件",
             ("QAbstractFileIconProvider", "%1 File"): "%1 文件", ("QAbstractFileIconProvider", "Drive"): "驱动器"}

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str | None:
        return self.TEXTS.get((context, source))  # None: Qt asks the next catalogue

    def isEmpty(self) -> bool:  # noqa: N802 - Qt override
        return False


def translation_dirs() -> list[Path]:
    """Where Qt says its translations are, then beside PySide6 itself (a bundle without qt.conf)."""
    return [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
            Path(PySide6.__file__).parent / "Qt" / "translations"]


def install_qt_translations(app: QApplication) -> bool:
    """Load Qt's Chinese catalogues into ``app`` once; True when Qt's dialogs now speak Chinese."""
    if _installed:
        return True
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    for name in CATALOGUES:
        for folder in translation_dirs():
            translator = QTranslator(app)
            if translator.load(name, str(folder)):
                app.installTranslator(translator)
                _installed.append(translator)
                break
    if _installed:
        gaps = _CatalogueGaps(app)
        app.installTranslator(gaps)
        _installed.append(gaps)
    return bool(_installed)
