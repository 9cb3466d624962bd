"""What every page needs to know: the database in use and who is signed in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from gridstation.core.station.topics import Topic

if TYPE_CHECKING:  # the window paints before the database layer is imported
    from gridstation.core.storage import models as m


class Bus(QObject):
    """Signals between pages: a save on one page refreshes the lists on the others."""

    data_changed = Signal(Topic)  # what changed (core/station/topics.py): pages reload what shows it
    status_message = Signal(str)


@dataclass
class AppContext:
    target: str
    staff: m.Staff | None = None
    bus: Bus = field(default_factory=Bus)

    @property
    def role(self) -> str:
        return self.staff.role if self.staff else ""
