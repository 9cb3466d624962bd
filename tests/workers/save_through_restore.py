"""A window registering residents as fast as it can while someone restores a backup: prints each ID
number once its save has committed, and ``refused`` with the message when a save is refused (then
goes on, as staff would), until STOP exists."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from gridstation.core.intake import residents
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import station
from gridstation.core.storage import models as m
from tests.helpers import make_id


def main(db: str, stop: str) -> None:
    station.open_site(db, create=False)
    staff = m.Staff.get(m.Staff.username == "admin")
    born = dt.date(1950, 1, 1)
    while not Path(stop).exists():
        doc = make_id(birth=f"{born:%Y%m%d}")
        born += dt.timedelta(days=1)
        try:
            residents.save_resident(staff, residents.ResidentInput(name="张三", doc_number=doc))
        except DomainError as exc:
            print("refused", exc.message, flush=True)
            continue
        print(doc, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
