"""Which service each value of an intake ledger's 业务 column names: by the catalogue's name, code or
alias, by the user's choice (``--map 值=业务``, the wizard's page), or as the station chose it at an
earlier import (remembered in the settings).
"""

from __future__ import annotations

from dataclasses import dataclass

from gridstation.core.ledgers import column_choices, ledger_read
from gridstation.core.ledgers.ledger_read import Ledger
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import catalog
from gridstation.core.storage import models as m
from gridstation.core.storage import settings

SERVICE_MAP_SETTING = "ledger_service_map"  # ledger value -> service code, as the station chose it before


@dataclass(frozen=True)
class ServiceMatch:
    """One distinct value of the service column, and the service it became (None: nothing yet)."""

    value: str
    rows: int
    service: m.ServiceType | None
    how: str  # 名称, 代码, 简称, HOW_GIVEN or HOW_REMEMBERED; "" when unknown

    def line(self) -> str:
        if self.service is None:
            return f"“{self.value}”（{self.rows}行）→ 服务清单中没有，请指定对应的业务"
        return f"“{self.value}”（{self.rows}行）→ {self.service.name}（{self.how}）"


def service_values(ledger: Ledger) -> dict[str, int]:
    """Each distinct value of the service column and how many rows carry it, in the file's order."""
    counts: dict[str, int] = {}
    index = ledger.mapping.get("service")
    if index is None:
        return counts
    for _number, values in ledger.sheet.rows:
        value = ledger_read.text(values[index] if index < len(values) else None)
        if value:
            counts[value] = counts.get(value, 0) + 1
    return counts


def match_services(ledger: Ledger) -> list[ServiceMatch]:
    """The service mapping of an intake ledger: the user's choice for a value, else the catalogue's
    name, code or alias, else what the station chose for that value at an earlier import."""
    remembered = settings.get(SERVICE_MAP_SETTING) or {}
    out = []
    for value, rows in service_values(ledger).items():
        service, how = None, ""
        if value in ledger.service_map:
            service, how = m.ServiceType.get_or_none(m.ServiceType.code == ledger.service_map[value]), column_choices.HOW_GIVEN
        if service is None:
            service = catalog.match_service(value)
            if service is not None:
                key = catalog.service_key(value)
                how = ("名称" if key == catalog.service_key(service.name) else
                       "代码" if key == catalog.service_key(service.code) else "简称")
        if service is None and value in remembered:
            service, how = m.ServiceType.get_or_none(m.ServiceType.code == remembered[value]), column_choices.HOW_REMEMBERED
        out.append(ServiceMatch(value, rows, service, how if service else ""))
    return out


def choose_service(ledger: Ledger, value: str, service_text: str) -> m.ServiceType:
    """The user maps a ledger value to a service named by its name, code or alias (``--map 值=业务``)."""
    service = catalog.match_service(service_text)
    if service is None:
        raise DomainError(f"服务清单中没有“{service_text}”这项业务，无法把“{value}”对应到它。")
    ledger.service_map[value.strip()] = service.code
    return service
