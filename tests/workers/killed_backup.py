"""A backup or a restore that is killed with SIGKILL once its hidden copy is written, as a power cut or
the task manager would end it: ``backup DB FOLDER`` or ``restore DB BACKUP``."""

from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path

from gridstation.core.station import backup, station


def _die(*_args) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main(what: str, db: str, other: str) -> None:
    station.open_site(db, create=False)
    if what == "backup":
        backup.verify_file = _die  # the copy is complete and not yet checked or named
        backup.backup_site(None, db, Path(other))
    else:
        real_copy = shutil.copyfile

        def copy_then_die(source, target):
            real_copy(source, target)
            _die()

        station.shutil.copyfile = copy_then_die  # the staging copy is written, the live file not yet replaced
        station.restore_file(None, db, Path(other))


if __name__ == "__main__":
    main(*sys.argv[1:4])
