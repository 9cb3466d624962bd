"""The service catalogue (服务清单): built-in services, station-defined ones, and their fields."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from gridstation.core import audit
from gridstation.core import models as m
from gridstation.core.accounts import HEAD, require
from gridstation.core.db import write_transaction
from gridstation.core.errors import DomainError, NotFound
from gridstation.core.intake_materials.checklist import check_materials
from gridstation.core.intake_materials.defaults import DEFAULT_MATERIALS
from gridstation.core.money import parse_money, yuan

FIELD_TYPES = {"text": "文本", "number": "数字", "money": "金额", "date": "日期", "choice": "选项",
               "bool": "是/否", "uscc": "统一社会信用代码"}
# Columns the statistics read; a field with one of these "stat" names fills the column.
STAT_COLUMNS = {"workers": "workers", "amount_owed": "amount_owed_fen",
                "amount_recovered": "amount_recovered_fen", "cert_year": "cert_year"}
WAGE, PENSION, UNEMPLOYMENT, SUBSIDY_4050 = "wage_claim", "pension_cert", "unemployment", "subsidy_4050"


def _f(key: str, label: str, type_: str = "text", *, required: bool = False,
       choices: list[str] | None = None, stat: str = "", stage: str = "intake") -> dict:
    return {"key": key, "label": label, "type": type_, "required": required,
            "choices": choices or [], "stat": stat, "stage": stage}


BUILTIN: list[dict[str, Any]] = [
    {"code": UNEMPLOYMENT, "name": "失业证", "category": "就业", "promised_days": 5, "sort_order": 10,
     "actions": ["新办", "年检", "变更", "注销"],
     "fields": [_f("cert_no", "证书编号"), _f("docs_checked", "材料已核验", "bool", required=True)]},
    {"code": PENSION, "name": "养老保险待遇资格认证", "category": "社保", "promised_days": 1, "sort_order": 20,
     "actions": ["生存认证"],
     "fields": [_f("cert_year", "认证年度", "number", required=True, stat="cert_year"),
                _f("way", "认证方式", "choice", required=True, choices=["窗口", "手机APP协助", "上门"]),
                _f("pension_type", "养老金类别", "choice",
                   choices=["企业职工基本养老保险", "城乡居民基本养老保险", "机关事业单位养老保险"])]},
    {"code": WAGE, "name": "讨薪", "category": "劳动保障", "promised_days": 15, "sort_order": 30,
     "actions": ["欠薪投诉"],
     "fields": [_f("employer", "用人单位", required=True),
                _f("employer_uscc", "统一社会信用代码", "uscc"),
                _f("workers", "涉及人数", "number", required=True, stat="workers"),
                _f("amount_owed", "欠薪金额", "money", required=True, stat="amount_owed"),
                _f("period_owed", "欠薪期间"),
                _f("amount_recovered", "追回金额", "money", stat="amount_recovered", stage="complete"),
                _f("outcome", "处理结果", "choice", required=True, stage="complete",
                   choices=["协商解决", "转劳动监察", "转仲裁", "其他"])]},
    {"code": SUBSIDY_4050, "name": "\u201c4050\u201d社保补贴", "category": "就业", "promised_days": 10,
     "sort_order": 40, "actions": ["申请", "续期"],
     "fields": [_f("period", "补贴期限", required=True),
                _f("insurance_kinds", "险种", "choice", required=True,
                   choices=["养老保险", "医疗保险", "养老和医疗保险"])]},
]


@dataclass(frozen=True)
class FieldDef:
    key: str
    label: str
    type: str
    required: bool
    choices: tuple[str, ...]
    stat: str
    stage: str

    @classmethod
    def of(cls, raw: dict) -> "FieldDef":
        return cls(raw["key"], raw["label"], raw.get("type", "text"), bool(raw.get("required")),
                   tuple(raw.get("choices") or ()), raw.get("stat", ""), raw.get("stage", "intake"))


def fields_of(service: m.ServiceType) -> list[FieldDef]:
    return [FieldDef.of(f) for f in json.loads(service.fields or "[]")]


def actions_of(service: m.ServiceType) -> list[str]:
    return list(json.loads(service.actions or "[]"))


def install_builtin() -> None:
    """Add any built-in service missing from the catalogue (kept as the station edited it otherwise)."""
    for spec in BUILTIN:
        if not m.ServiceType.select().where(m.ServiceType.code == spec["code"]).exists():
            m.ServiceType.create(
                code=spec["code"], name=spec["name"], category=spec["category"],
                promised_days=spec["promised_days"], sort_order=spec["sort_order"], builtin=True,
                actions=json.dumps(spec["actions"], ensure_ascii=False),
                fields=json.dumps(spec["fields"], ensure_ascii=False),
                materials=json.dumps(DEFAULT_MATERIALS.get(spec["code"], []), ensure_ascii=False),
            )


def active_services() -> list[m.ServiceType]:
    return list(m.ServiceType.select().where(m.ServiceType.active).order_by(m.ServiceType.sort_order, m.ServiceType.id))


def all_services() -> list[m.ServiceType]:
    return list(m.ServiceType.select().order_by(m.ServiceType.sort_order, m.ServiceType.id))


def get_service(code_or_name: str) -> m.ServiceType:
    svc = m.ServiceType.get_or_none((m.ServiceType.code == code_or_name) | (m.ServiceType.name == code_or_name))
    if svc is None:
        raise NotFound(f"服务清单中没有“{code_or_name}”这项业务。")
    return svc


def check_value(fdef: FieldDef, raw: object) -> Any:
    """One field's stored value; raises DomainError with the field's label."""
    text = "" if raw is None else str(raw).strip()
    if fdef.type == "bool":
        if isinstance(raw, bool):
            value: Any = raw
        elif text in ("", "否", "0", "false", "False", "no"):
            value = False
        elif text in ("是", "1", "true", "True", "yes"):
            value = True
        else:
            raise DomainError(f"“{fdef.label}”应为“是”或“否”。", field=fdef.key)
        if fdef.required and value is not True:
            raise DomainError(f"请确认“{fdef.label}”。", field=fdef.key)
        return value
    if not text:
        if fdef.required:
            raise DomainError(f"请填写“{fdef.label}”。", field=fdef.key)
        return None
    if len(text) > 500:
        raise DomainError(f"“{fdef.label}”过长（最多500个字）。", field=fdef.key)
    if fdef.type == "number":
        if not re.fullmatch(r"\d{1,9}", text):
            raise DomainError(f"“{fdef.label}”应为不小于0的整数。", field=fdef.key)
        return int(text)
    if fdef.type == "money":
        try:
            return parse_money(raw, fdef.label)
        except DomainError as exc:
            raise DomainError(exc.message, field=fdef.key) from None
    if fdef.type == "date":
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise DomainError(f"“{fdef.label}”应为日期，如 2025-01-05。", field=fdef.key) from None
    if fdef.type == "choice":
        if text not in fdef.choices:
            raise DomainError(f"“{fdef.label}”只能选择：{'、'.join(fdef.choices)}。", field=fdef.key)
        return text
    if fdef.type == "uscc":
        from stdnum.cn import uscc  # python-stdnum costs ~20 ms to import; not before the first check

        code = text.upper().replace(" ", "")
        if not uscc.is_valid(code):
            raise DomainError(f"统一社会信用代码“{text}”校验不通过，请核对营业执照。", field=fdef.key)
        return code
    return text


def check_details(service: m.ServiceType, values: dict[str, object], stage: str = "intake") -> dict[str, Any]:
    """Validated values for the fields of ``stage``; unknown keys are refused, not dropped silently."""
    defs = {f.key: f for f in fields_of(service)}
    unknown = [k for k in values if k not in defs]
    if unknown:
        raise DomainError(f"“{service.name}”没有字段“{unknown[0]}”。", field=unknown[0])
    out: dict[str, Any] = {}
    for fdef in defs.values():
        if fdef.stage != stage:
            continue
        value = check_value(fdef, values.get(fdef.key))
        if value is not None:
            out[fdef.key] = value
    return out


def stat_columns(service: m.ServiceType, details: dict[str, Any]) -> dict[str, Any]:
    """The intake columns filled from fields marked with a ``stat`` name."""
    out: dict[str, Any] = {}
    for fdef in fields_of(service):
        if fdef.stat in STAT_COLUMNS and fdef.key in details:
            out[STAT_COLUMNS[fdef.stat]] = details[fdef.key]
    return out


def display_value(fdef: FieldDef, value: Any) -> str:
    if value is None:
        return ""
    if fdef.type == "money":
        return f"¥{yuan(int(value))}"
    if fdef.type == "bool":
        return "是" if value else "否"
    return str(value)


def save_service(actor: m.Staff | None, *, code: str, name: str, promised_days: int,
                 actions: list[str], fields: list[dict], category: str = "", active: bool = True,
                 materials: list[dict] | None = None) -> m.ServiceType:
    """Add or edit a service from the settings page (head only); a built-in keeps its code."""
    require(actor, HEAD)
    code, name = code.strip(), name.strip()
    if not re.fullmatch(r"[A-Za-z0-9_]{2,32}", code):
        raise DomainError("业务代码应为2至32位字母、数字或下划线。", field="code")
    if not name:
        raise DomainError("请输入业务名称。", field="name")
    if len(name) > 60 or len(category.strip()) > 30:
        raise DomainError("业务名称最多60个字，类别最多30个字。", field="name")
    if not 0 <= int(promised_days) <= 365:
        raise DomainError("承诺时限应在0至365天之间。", field="promised_days")
    if any(len(a.strip()) > 30 for a in actions):
        raise DomainError("每个办理事项最多30个字。", field="actions")
    seen: set[str] = set()
    for raw in fields:
        fdef = FieldDef.of(raw)
        if not re.fullmatch(r"[A-Za-z0-9_]{1,32}", fdef.key) or fdef.key in seen:
            raise DomainError(f"字段代码“{fdef.key}”无效或重复。")
        if fdef.type not in FIELD_TYPES:
            raise DomainError(f"字段“{fdef.label}”的类型“{fdef.type}”不受支持。")
        if fdef.type == "choice" and not fdef.choices:
            raise DomainError(f"选项字段“{fdef.label}”至少需要一个选项。")
        seen.add(fdef.key)
    payload = {"name": name, "category": category, "promised_days": int(promised_days),
               "actions": json.dumps([a.strip() for a in actions if a.strip()], ensure_ascii=False),
               "fields": json.dumps(fields, ensure_ascii=False), "active": bool(active)}
    if materials is not None:  # None keeps the list as it is (callers that do not edit it)
        payload["materials"] = json.dumps(check_materials(materials), ensure_ascii=False)
    with write_transaction():
        svc = m.ServiceType.get_or_none(m.ServiceType.code == code)
        if svc is None:
            svc = m.ServiceType.create(code=code, **payload)
            audit.record(actor, "新增业务", "service", code, after=payload)
        else:
            before = {k: getattr(svc, k) for k in payload}
            m.ServiceType.update(**payload).where(m.ServiceType.id == svc.id).execute()
            audit.record(actor, "修改业务", "service", code, before=before, after=payload)
    return m.ServiceType.get_by_id(svc.id)
