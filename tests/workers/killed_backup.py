"""A backup or a restore killed with SIGKILL at a chosen moment, as a power cut or the task manager
would end it: ``backup DB FOLDER`` once its hidden copy is written; ``restore DB BACKUP`` once the
restore's hidden copy is written; ``restore-at-swap DB BACKUP`` once the restored file is prepared
and the old one marked, just before the swap."""

from __future__ import annotations

import os
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
        return
    if what == "restore":
        real_copy = backup.copy_whole

        def copy_then_die(source, target):
            real_copy(source, target)
            _die()

        backup.copy_whole = copy_then_die  # the staging copy is written, the live file not yet replaced
    else:
        real_replace = os.replace

        def die_at_the_swap(source, target):
            if Path(target) == Path(db):
                _die()
            real_replace(source, target)

        os.replace = die_at_the_swap
    station.restore_file(None, db, Path(other))


if __name__ == "__main__":
    main(*sys.argv[1:4])
