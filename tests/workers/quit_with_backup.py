"""A GUI process that quits at once: prints the backups there are once it has ended and how often a
10 ms timer beat while the exit backup ran (the backup must be complete before the process ends)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from gridstation import app as gui
from gridstation.core.station import backup, station
from gridstation.ui.common.context import AppContext


def main(db: str) -> None:
    application = QApplication(sys.argv)
    station.open_site(db, create=False)
    window = QWidget()
    window.ctx = AppContext(target=db)
    beats: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: beats.append(time.perf_counter()))
    application.aboutToQuit.connect(timer.start)  # connected first: beats while the backup runs
    gui._schedule_backups(application, window)
    QTimer.singleShot(0, application.quit)
    application.exec()
    for path in sorted(Path(backup.backup_dir_for(db)).glob("gridstation-*.db")):
        print(path.name, backup.verify_file(path)["resident"], flush=True)
    print("beats", len(beats), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
