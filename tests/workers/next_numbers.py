"""A window drawing numbers from one counter with nothing but the counter upsert to keep it apart.

Each number is drawn in a plain transaction, without the station's advisory write lock, and
printed once committed: several of these at once show that the upsert's row lock alone keeps
PostgreSQL's numbers unique and gap-free.
"""

from __future__ import annotations

import sys

from gridstation.core.station import station
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import serials


def main(target: str, count: int, scope: str) -> None:
    station.open_site(target, create=False)
    database = dbmod.current()
    for _ in range(count):
        with database.atomic():
            number = serials.next_number(scope)
        print(number, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
