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
    return bool(_installed)
