"""The service catalogue (服务清单): built-in services, station-defined ones, and their fields."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from gridstation.core.rules import date_range
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.rules.free_text import clean_text, refuse_controls
from gridstation.core.rules.money import parse_money, yuan
from gridstation.core.rules.person_names import clean_name
from gridstation.core.station import audit
from gridstation.core.station.material_defaults import DEFAULT_MATERIALS
from gridstation.core.station.material_list import check_materials
from gridstation.core.station.roles import HEAD, require
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction

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
     "aliases": ["失业登记", "就业失业登记证", "就业失业登记", "失业证办理", "失业证年检"],
     "fields": [_f("cert_no", "证书编号"), _f("docs_checked", "材料已核验", "bool", required=True)]},
    {"code": PENSION, "name": "养老保险待遇资格认证", "category": "社保", "promised_days": 1, "sort_order": 20,
     "actions": ["生存认证"],
     "aliases": ["养老认证", "生存认证", "资格认证", "养老保险生存认证", "待遇领取资格认证", "养老金认证"],
     "fields": [_f("cert_year", "认证年度", "number", required=True, stat="cert_year"),
                _f("way", "认证方式", "choice", required=True, choices=["窗口", "手机APP协助", "上门"]),
                _f("pension_type", "养老金类别", "choice",
                   choices=["企业职工基本养老保险", "城乡居民基本养老保险", "机关事业单位养老保险"])]},
    {"code": WAGE, "name": "讨薪", "category": "劳动保障", "promised_days": 15, "sort_order": 30,
     "actions": ["欠薪投诉"],
     "aliases": ["欠薪", "讨要工资", "欠薪投诉", "拖欠工资", "讨薪维权"],
     "fields": [_f("employer", "用人单位", required=True),
                _f("employer_uscc", "统一社会信用代码", "uscc"),
                _f("workers", "涉及人数", "number", required=True, stat="workers"),
                _f("amount_owed", "欠薪金额", "money", required=True, stat="amount_owed"),
                _f("period_owed", "欠薪期间"),
                _f("amount_recovered", "追回金额", "money", stat="amount_recovered", stage="complete"),
                _f("outcome", "处理方式", "choice", required=True, stage="complete",
                   choices=["协商解决", "转劳动监察", "转仲裁", "其他"])]},
    {"code": SUBSIDY_4050, "name": "\u201c4050\u201d社保补贴", "category": "就业", "promised_days": 10,
     "sort_order": 40, "actions": ["申请", "续期"],
     "aliases": ["4050", "4050补贴", "4050社保补贴", "社保补贴", "灵活就业社保补贴"],
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

    def required_for(self, historical: bool) -> bool:
        """Whether this field must be filled: the one rule the counter, the importer and the template share.

        A historical case (closed already, or received before today: a ledger kept for years) is not
        asked what the counter asks at the moment of intake (材料已核验, 认证方式, 处理结果 ...): nobody
        can confirm those now. What the statistics count (a field with a ``stat`` role: amounts,
        workers, certification year) stays required, or period_stats would silently undercount.
        """
        return self.required and (not historical or bool(self.stat))

    def requirement(self) -> str:
        """How the template and the wizard state the rule above, in words."""
        if not self.required:
            return "可不填"
        if self.required_for(True):
            return "必填（统计用）"
        if self.stage == "complete":
            return "在窗口办结时必填；已办结的历史记录可不填"
        return "新受理必填；已办结或今天以前受理的历史记录可不填"


def fields_of(service: m.ServiceType) -> list[FieldDef]:
    return [FieldDef.of(f) for f in json.loads(service.fields or "[]")]


def actions_of(service: m.ServiceType) -> list[str]:
    return list(json.loads(service.actions or "[]"))


def aliases_of(service: m.ServiceType) -> list[str]:
    return list(json.loads(service.aliases or "[]"))


# What each built-in service is called in the ledgers stations keep; schema step 4 gives them to
# stations created before services had aliases.
BUILTIN_ALIASES: dict[str, list[str]] = {spec["code"]: spec["aliases"] for spec in BUILTIN}


def service_key(text: object) -> str:
    """A service as written in a ledger, reduced for matching: full-width forms, spaces and quotes gone.

    "“4050”社保补贴", "4050 社保补贴" and "4050社保补贴" are one name.
    """
    value = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return re.sub(r"[\s\"'“”‘’「」『』]", "", value).lower()


def match_service(text: object) -> m.ServiceType | None:
    """The service a ledger's value names: by its name, its code or one of its aliases, else None."""
    key = service_key(text)
    if not key:
        return None
    for service in all_services():
        if key in {service_key(n) for n in (service.name, service.code, *aliases_of(service))}:
            return service
    return None


def install_builtin() -> None:
    """Add any built-in service missing from the catalogue (kept as the station edited it otherwise)."""
    for spec in BUILTIN:
        if not m.ServiceType.select().where(m.ServiceType.code == spec["code"]).exists():
            m.ServiceType.create(
                code=spec["code"], name=spec["name"], category=spec["category"],
                promised_days=spec["promised_days"], sort_order=spec["sort_order"], builtin=True,
                actions=json.dumps(spec["actions"], ensure_ascii=False),
                fields=json.dumps(spec["fields"], ensure_ascii=False),
                aliases=json.dumps(spec["aliases"], ensure_ascii=False),
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


# Yes and no as ledgers write them: ticks and crosses, 有/无, Excel's TRUE/FALSE.
YES = ("是", "1", "true", "yes", "y", "√", "✓", "✔", "有", "已核验", "对")
NO = ("", "否", "0", "false", "no", "n", "×", "✗", "✘", "x", "无", "未核验", "-")


def check_value(fdef: FieldDef, raw: object, *, historical: bool = False) -> Any:
    """One field's stored value; raises DomainError with the field's label.

    ``historical``: the value belongs to a case already closed or received before today
    (see ``FieldDef.required_for``).
    """
    text = "" if raw is None else str(raw).strip()
    required = fdef.required_for(historical)
    if fdef.type == "bool":
        if isinstance(raw, bool):
            value: Any = raw
        elif text.lower() in NO:
            value = False
        elif text.lower() in YES:
            value = True
        else:
            raise DomainError(f"“{fdef.label}”应为“是”或“否”。", field=fdef.key)
        if required and value is not True:
            raise DomainError(f"请确认“{fdef.label}”。", field=fdef.key)
        return value
    if not text:
        if required:
            verb = "请选择" if fdef.type == "choice" else "请填写"  # a drop-down is chosen, not filled in
            raise DomainError(f"{verb}“{fdef.label}”。", field=fdef.key)
        return None
    text = clean_text(text, f"“{fdef.label}”", 500, lines=True, field=fdef.key)
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
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise DomainError(f"“{fdef.label}”应为日期，如 2025-01-05。", field=fdef.key) from None
        problem = date_range.out_of_range(day)
        if problem:
            raise DomainError(f"“{fdef.label}”的{problem}", field=fdef.key)
        return day.isoformat()
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


def check_details(service: m.ServiceType, values: dict[str, object], stage: str = "intake", *,
                  historical: bool = False) -> dict[str, Any]:
    """Validated values for the fields of ``stage``; unknown keys are refused, not dropped silently.

    ``historical`` relaxes only what ``FieldDef.required_for`` says: the values given are checked the same.
    """
    defs = {f.key: f for f in fields_of(service)}
    unknown = [k for k in values if k not in defs]
    if unknown:
        raise DomainError(f"“{service.name}”没有字段“{unknown[0]}”。", field=unknown[0])
    out: dict[str, Any] = {}
    for fdef in defs.values():
        if fdef.stage != stage:
            continue
        value = check_value(fdef, values.get(fdef.key), historical=historical)
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


CODE_PATTERN = r"[A-Za-z0-9_]{2,32}"
FIELD_KEY_PATTERN = r"[A-Za-z0-9_]{1,32}"
LABEL_LIMIT = 60  # a field label is a column header: longer than this is not a label


def code_from_name(name: str, taken: set[str], *, prefix: str = "svc", limit: int = 32) -> str:
    """A code made from a Chinese name (法律援助 -> falvyuanzhu), unique among ``taken``.

    Staff never type codes: a service's code and a field's key are made once, when the service or
    field is added, and never change after (intakes and statistics refer to them), so renaming a
    service keeps its code. Names without letters or hanzi fall back to ``prefix`` plus a number.
    """
    from pypinyin import Style, lazy_pinyin  # pypinyin costs ~100 ms to import; only when adding

    syllables = lazy_pinyin(name, style=Style.NORMAL, errors=lambda chars: list(chars))
    stem = re.sub(r"[^a-z0-9_]", "", "".join(syllables).lower())[: limit - 4] or prefix
    if not stem[0].isalpha():
        stem = f"{prefix}_{stem}"[: limit - 4]
    code, number = stem, 1
    while code in taken or len(code) < 2:
        number += 1
        code = f"{stem}_{number}"
    return code


def with_field_keys(fields: list[dict]) -> list[dict]:
    """Each field keeps the key it has; a new field (no key) gets one made from its label.

    A label becomes a column header of every intake export and template, and a choice a cell and a
    drop-down entry: the label follows the names rule (no invisible or direction characters), each
    choice the free-text rule, so one pasted field cannot break those files for the whole station.
    """
    taken = {str(raw.get("key") or "") for raw in fields}
    out = []
    for number, raw in enumerate(fields, start=1):
        if not str(raw.get("label") or "").strip():
            raise DomainError(f"请填写第 {number} 个字段的名称。", field="fields")
        label = clean_name(str(raw["label"]), limit=LABEL_LIMIT, label=f"第 {number} 个字段的名称", field="fields")
        for choice in raw.get("choices") or ():
            refuse_controls(str(choice), f"字段“{label}”的选项", field="fields")
        if raw.get("key"):
            out.append(dict(raw, label=label))
            continue
        key = code_from_name(label, taken, prefix="field")
        taken.add(key)
        out.append(dict(raw, key=key, label=label))
    return out


def save_service(actor: m.Staff | None, *, name: str, promised_days: int, actions: list[str], fields: list[dict],
                 category: str = "", active: bool = True, code: str = "",
                 aliases: list[str] | None = None, materials: list[dict] | None = None) -> m.ServiceType:
    """Add (no ``code``) or edit a service from the settings page (head only).

    A new service's code is made from its name; a built-in or earlier service keeps its code.
    A ``code`` not yet in the catalogue adds a service under that code (imports, scripts).
    ``aliases`` (None keeps the stored ones) are what staff write for the service in their ledgers;
    one may not name another service, or an import could not tell them apart. ``materials`` (None
    keeps the stored list) is the 材料清单 a 一次性告知单 names.
    """
    require(actor, HEAD)
    code, name = code.strip(), name.strip()
    for text in (name, category, *actions, *(aliases or ())):
        refuse_controls(text, "业务名称、类别、办理事项和简称", field="name")
    if code and not re.fullmatch(CODE_PATTERN, code):
        raise DomainError("业务代码应为2至32位字母、数字或下划线。", field="code")
    if not name:
        raise DomainError("请输入业务名称。", field="name")
    if len(name) > 60 or len(category.strip()) > 30:
        raise DomainError("业务名称最多60个字，类别最多30个字。", field="name")
    if not 0 <= int(promised_days) <= 365:
        raise DomainError("承诺时限应在0至365天之间。", field="promised_days")
    if any(len(a.strip()) > 30 for a in actions):
        raise DomainError("每个办理事项最多30个字。", field="actions")
    fields = with_field_keys(fields)
    seen: set[str] = set()
    for raw in fields:
        fdef = FieldDef.of(raw)
        if not re.fullmatch(FIELD_KEY_PATTERN, fdef.key) or fdef.key in seen:
            raise DomainError(f"字段“{fdef.label}”的内部代码“{fdef.key}”无效或与其他字段重复。")
        if fdef.label in {other["label"] for other in fields if other is not raw}:
            raise DomainError(f"有两个字段都叫“{fdef.label}”，请改用不同的名称。", field="fields")
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
        svc = m.ServiceType.get_or_none(m.ServiceType.code == code) if code else None
        if svc is None:
            if m.ServiceType.select().where(m.ServiceType.name == name).exists():
                raise DomainError(f"服务清单中已有“{name}”，请改用其他名称或编辑原有业务。", field="name")
            code = code or code_from_name(name, {c for (c,) in m.ServiceType.select(m.ServiceType.code).tuples()})
        named = match_service(name)
        if named is not None and named.code != code:
            raise DomainError(f"业务名称“{name}”已是业务“{named.name}”的名称或简称，请换一个名称。", field="name")
        if aliases is not None:
            payload["aliases"] = json.dumps(_checked_aliases(code, name, aliases), ensure_ascii=False)
        if svc is None:
            svc = m.ServiceType.create(code=code, **payload)
            audit.record(actor, "新增业务", "service", code, after=payload)
        else:
            before = {k: getattr(svc, k) for k in payload}
            m.ServiceType.update(**payload).where(m.ServiceType.id == svc.id).execute()
            audit.record(actor, "修改业务", "service", code, before=before, after=payload)
    return m.ServiceType.get_by_id(svc.id)


def _checked_aliases(code: str, name: str, aliases: list[str]) -> list[str]:
    """The service's aliases without repeats; refused when one names another service."""
    out: list[str] = []
    for alias in (a.strip() for a in aliases):
        if not alias or service_key(alias) in {service_key(a) for a in (*out, name, code)}:
            continue
        if len(alias) > 30:
            raise DomainError(f"简称“{alias[:10]}…”过长（每个最多30个字）。", field="aliases")
        other = match_service(alias)
        if other is not None and other.code != code:
            raise DomainError(f"简称“{alias}”已是业务“{other.name}”的名称或简称，不能同时用于两项业务。",
                              field="aliases")
        out.append(alias)
    return out
