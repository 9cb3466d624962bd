"""A window saving intakes as fast as it can: prints each serial once its transaction has committed.

Used by the crash test (killed with SIGKILL at random moments) and the concurrency test
(several of these at once on one database file).
"""

from __future__ import annotations

import sys

from gridstation.core.intake import intakes
from gridstation.core.station import station
from gridstation.core.storage import models as m


def main(db: str, count: int, resident_id: int) -> None:
    station.open_site(db, create=False)
    staff = m.Staff.get(m.Staff.username == "admin")
    for _ in range(count):
        intake = intakes.create_intake(staff, intakes.IntakeInput(resident_id, "unemployment", details={"docs_checked": True}))
        print(intake.serial, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
