"""One service's 材料清单: reading it, checking an edited one, and naming documents for people."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.free_text import refuse_controls
from gridstation.core.storage import models as m

FORMS = ("原件", "复印件", "原件及复印件")


@dataclass(frozen=True)
class MaterialDef:
    name: str
    form: str = "原件"
    count: int = 1
    later: bool = False  # may be supplied later (容缺受理)
    source: str = ""  # where to get it, when the station knows

    @classmethod
    def of(cls, raw: dict) -> MaterialDef:
        return cls(str(raw.get("name", "")).strip(), str(raw.get("form") or "原件"), int(raw.get("count", 1)),
                   bool(raw.get("later")), str(raw.get("source") or "").strip())

    def as_dict(self) -> dict:
        return {"name": self.name, "form": self.form, "count": self.count, "later": self.later, "source": self.source}

    @property
    def described(self) -> str:
        """As printed on receipts and notices: 居民身份证（原件1份）."""
        return f"{self.name}（{self.form}{self.count}份）"


def materials_of(service: m.ServiceType) -> list[MaterialDef]:
    return [MaterialDef.of(raw) for raw in json.loads(service.materials or "[]")]


def check_materials(raw: Sequence[dict]) -> list[dict]:
    """An edited list, checked; returns it as stored. Names are unique: an intake ticks documents by name."""
    out: list[dict] = []
    seen: set[str] = set()
    for item in raw:
        try:
            mdef = MaterialDef.of(item)
        except (TypeError, ValueError):
            raise DomainError("材料份数应为1至99的整数。", field="materials") from None
        if not mdef.name:
            raise DomainError("每项材料都要填写名称。", field="materials")
        # Printed on every notice and ticked by name at the counter: a control character in either
        # made every intake that ticked the document refused.
        refuse_controls(mdef.name, "材料名称", field="materials")
        refuse_controls(mdef.source, f"材料“{mdef.name}”的获取途径", field="materials")
        if len(mdef.name) > 40 or len(mdef.source) > 60:
            raise DomainError(f"材料“{mdef.name[:40]}”：名称最多40个字，获取途径最多60个字。", field="materials")
        if mdef.name in seen:
            raise DomainError(f"材料“{mdef.name}”重复，请合并为一项。", field="materials")
        if mdef.form not in FORMS:
            raise DomainError(f"材料“{mdef.name}”的形式只能是：{'、'.join(FORMS)}。", field="materials")
        if not 1 <= mdef.count <= 99:
            raise DomainError(f"材料“{mdef.name}”的份数应在1至99之间。", field="materials")
        seen.add(mdef.name)
        out.append(mdef.as_dict())
    return out


def describe(defs: Sequence[MaterialDef]) -> str:
    return "、".join(d.described for d in defs)
