"""The audit log in words: who did what to whom, with before and after as field names and values.

The log itself stays as it was written (the hash chain covers its raw text: table names, ids and
JSON). The head reads it in Chinese, so each entry is turned into one sentence here, e.g.
「李霞 修改了设置“自动锁定时间（分钟）”：10 → 15」 or 「张伟 为居民 王然 新建受理 SL2026…（失业证·新办）」.
Names are looked up for a whole page of entries at once (a handful of queries, not one per entry).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from gridstation.core.care import visibility
from gridstation.core.ledgers.ledger_columns import KIND_NAMES, columns_for
from gridstation.core.ledgers.ledger_export import EXPORT_NAMES
from gridstation.core.rules.money import yuan
from gridstation.core.station import catalog
from gridstation.core.station.roles import ROLE_NAMES
from gridstation.core.storage import models as m

# Every key the services write into an entry's before/after, as staff call it.
LABELS: dict[str, str] = {
    # settings
    "station_name": "服务站名称", "station_address": "地址", "station_phone": "电话",
    "supervision_phone": "监督电话",
    "serial_prefix": "受理编号前缀", "receipt_size": "回执尺寸", "receipt_notice": "回执提示语",
    "idle_lock_minutes": "自动锁定时间（分钟）", "loan_limit_units": "每人同时可借件数",
    "loan_max_renewals": "续借次数上限", "open_weekdays": "每周开放日", "holidays": "本站休息日",
    "workdays": "本站上班日", "national_calendar": "按国家节假日安排",
    "label_layout": "标签版式", "backup_dir": "备份文件夹", "printer": "打印机",
    # staff
    "username": "登录名", "display_name": "姓名", "role": "角色", "active": "状态", "reason": "原因",
    # residents
    "name": "名称", "doc_type": "证件类型", "doc_number": "证件号码", "gender": "性别", "birth_date": "出生日期",
    "phone": "电话", "compound": "小区", "building": "楼栋", "unit": "单元", "room": "室",
    "is_pensioner": "养老金领取人员", "notes": "备注", "grid_id": "网格",
    # intakes
    "service": "业务", "action": "办理事项", "status": "状态", "result": "办理结果", "completed_at": "办结时间",
    "forwarded_to": "转往", "workers": "涉及人数", "amount_recovered_fen": "追回金额",
    "amount_owed_fen": "欠薪金额", "cert_year": "认证年度", "file": "文件",
    # services
    "category": "类别", "promised_days": "承诺时限（自然日）", "actions": "办理事项", "fields": "业务字段",
    # tools
    "loan_days": "借用天数", "deposit_fen": "押金", "safety_note": "安全须知", "parts": "配件", "photo": "照片",
    "units": "工具", "codes": "资产编号", "state": "状态", "note": "说明", "kind": "工具种类",
    "resident": "居民", "start": "开始日期", "end": "结束日期", "ids": "预约数",
    "lent_at": "借出时间", "due_date": "应还日期", "deposit": "押金（元）", "override_reason": "超限借用原因",
    "entered_later": "事后补录", "reservations_collected": "取用预约", "renewals": "已续借次数",
    "condition": "归还状况", "missing_parts": "缺少配件", "deposit_refund": "退还押金（元）",
    "deposit_kept": "扣留押金（元）", "outcome": "结果", "at": "时间", "slip_no": "借用单",
    # stock-take, imports, exports, backups, reports, demo data
    "scanned": "扫描件数", "matched": "核对无误", "missing": "未找到", "on_loan": "借出中",
    "other_state": "其他状态", "unknown": "无法识别", "foreign": "不属于本站",
    "rows": "行数", "created": "新增", "registered": "新登记居民", "updated": "更新", "existing": "已存在", "bad_rows": "有问题的行",
    "valid_only": "只导入无误的行", "full_id": "含完整证件号", "filter": "筛选条件",
    "files": "文件", "replaced_copy": "原数据库另存为", "residents": "居民", "intakes": "受理", "loans": "借用",
    # the audit log's own findings, and the heads a restore replaced
    "replaced_heads": "被替换的日志链头", "head": "链头文件记录的最新一条", "log_ends_at": "日志实际的最后一条",
    "findings": "确认的发现",
    # list filters inside an export entry
    "service_id": "业务", "staff_id": "经办人", "resident_id": "居民", "date_from": "起始日期",
    "date_to": "截止日期", "text": "关键字", "asset_code": "资产编号",
    # grid events, backups
    "grid": "网格", "level": "等级", "source": "来源", "stage": "阶段", "folder": "文件夹", "finder": "发现人",
    "assignee": "经办人",
    # 材料 and 好差评
    "deadline": "补齐期限", "supplied_at": "补齐时间", "channel": "评价渠道", "reasons": "不满意原因",
    "finding": "回访情况", "action_taken": "整改措施", "resident_view": "居民对整改的评价",
    # the grid register and a resident's status
    "code": "编号", "parent": "上级网格", "scope": "范围", "opened_on": "启用日期", "closed_on": "撤销日期",
    "new_grids": "拆分为", "households": "户数", "property_company": "物业公司", "property_contact": "物业联系方式",
    "status_on": "日期", "moved_to": "迁往", "phone_public": "同意公示电话", "phone_public_on": "同意公示日期",
    "staff": "登录账号", "serves": "服务范围", "started_on": "开始日期", "ended_on": "结束日期", "on": "日期", "seen": "所见所闻",
    "done": "处理情况", "successor": "接替人", "events": "移交的事件", "roles": "移交的岗位", "event": "事件", "person": "人员",
    "moved_resident": "移入居民", "moved_intake": "移入受理", "moved_grid_event": "移入网格事件",
    "moved_building": "移入楼栋", "moved_unit": "移入单元", "moved_person_role": "移入岗位",
    "moved_diary_entry": "移入民情日志", "moved_grid": "移入下级网格",
    "care_visibility": "关爱标签可查看人员", "care_change_hours": "重大变故后走访时限（小时）",
    "care_services": "走访时可提供的服务",
    # care visits: a visit and a major change name the resident by id and no tag beside it (PIPL)
    "visited_on": "走访日期", "way": "走访方式", "visitor": "走访人", "follow_up": "后续处理", "due_at": "应走访时限",
    "tag_row": "标签记录", "notes_before_chars": "原备注字数", "notes_after_chars": "现备注字数",
}
# The same key names another thing in some entries (a returned tool, a resident's name).
ENTITY_LABELS: dict[str, dict[str, str]] = {"loan": {"unit": "工具"}, "resident": {"name": "姓名"},
                                            "grid_event": {"due_date": "办结期限", "name": "姓名"},
                                            "intake": {"missing": "缺少材料", "text": "意见", "level": "评价",
                                                       "due_date": "承诺办结日期"},
                                            "grid": {"level": "层级", "kind": "类型", "source": "来源"},
                                            "building": {"residents": "随之变更网格的居民", "building": "楼栋号"},
                                            "person": {"name": "姓名", "residents": "居民"}}
# Ratings and their 整改 were audited under "intake" before they had their own entities: read alike.
RATED = ("intake", "rating", "rectification")
ENTITY_LABELS["rating"] = ENTITY_LABELS["rectification"] = ENTITY_LABELS["intake"]
# Keys that say how a list was sorted, not what it held.
QUIET = {"sort", "descending", "doc_rev", "phone_rev", "updated_at", "digest"}  # digest: a photo's hash
MONEY_FEN = {"deposit_fen", "amount_recovered_fen", "amount_owed_fen"}
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?")
OBJECTS = {"intake": "受理", "resident": "居民", "staff": "人员", "loan": "借用单", "tool_kind": "工具种类",
           "tool_unit": "工具", "reservation": "预约", "service": "业务", "setting": "设置", "database": "数据库",
           "report": "统计报表", "stock_take": "盘点", "demo": "演示数据", "audit_log": "操作日志",
           "grid_event": "网格事件", "event_category": "事件类别", "event_partner": "协作单位",
           "rating": "评价", "rectification": "差评整改", "grid": "网格", "building": "楼栋",
           "person": "网格力量", "diary_entry": "民情日志",
           **KIND_NAMES, **EXPORT_NAMES}


@dataclass
class Names:
    """Display names for the people and things a page of entries refers to."""

    staff_by_login: dict[str, str] = field(default_factory=dict)
    staff_by_id: dict[str, str] = field(default_factory=dict)
    residents: dict[str, str] = field(default_factory=dict)
    intake_residents: dict[str, str] = field(default_factory=dict)
    intake_services: dict[str, str] = field(default_factory=dict)
    loan_residents: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    reservations: dict[str, str] = field(default_factory=dict)
    services: dict[str, m.ServiceType] = field(default_factory=dict)
    grids: dict[str, str] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)

    def resident(self, resident_id: object) -> str:
        return self.residents.get(str(resident_id), "（已不在名册中的居民）")

    def staff(self, login: str) -> str:
        return self.staff_by_login.get(login, login)


def names_for(entries: Iterable[m.AuditLog]) -> Names:
    """One query per kind of thing the entries name."""
    entries = list(entries)
    ids: dict[str, set[str]] = {}
    for entry in entries:
        ids.setdefault(entry.entity, set()).add(entry.entity_id)
        for payload in (_load(entry.before), _load(entry.after)):
            if isinstance(payload, dict) and payload.get("resident") is not None:
                ids.setdefault("resident", set()).add(str(payload["resident"]))
    names = Names()
    for staff in m.Staff.select(m.Staff.id, m.Staff.username, m.Staff.display_name):
        names.staff_by_login[staff.username] = staff.display_name or staff.username
        names.staff_by_id[str(staff.id)] = staff.display_name or staff.username
    names.services = {svc.code: svc for svc in m.ServiceType.select()}
    names.grids = {str(g.id): g.name for g in m.Grid.select(m.Grid.id, m.Grid.name)}
    serials = set().union(*(ids.get(kind, set()) for kind in RATED))
    for serial, name, code in (m.Intake.select(m.Intake.serial, m.Resident.name, m.ServiceType.code)
                               .join(m.Resident).switch(m.Intake).join(m.ServiceType)
                               .where(m.Intake.serial.in_(serials)).tuples() if serials else []):
        names.intake_residents[serial] = name
        names.intake_services[serial] = code
    slips = ids.get("loan", set())
    for slip, name in (m.Loan.select(m.Loan.slip_no, m.Resident.name).join(m.Resident)
                                    .where(m.Loan.slip_no.in_(slips)).tuples() if slips else []):
        names.loan_residents[slip] = name
    resident_ids = [int(i) for i in ids.get("resident", set()) if str(i).isdigit()]
    if resident_ids:
        names.residents = {str(i): n for i, n in m.Resident.select(m.Resident.id, m.Resident.name)
                           .where(m.Resident.id.in_(resident_ids)).tuples()}
    person_ids = [int(i) for i in ids.get("person", set()) if str(i).isdigit()]
    if person_ids:
        names.people = {str(i): n for i, n in m.Person.select(m.Person.id, m.Person.name)
                        .where(m.Person.id.in_(person_ids)).tuples()}
    kind_ids = [int(i) for i in ids.get("tool_kind", set()) if str(i).isdigit()]
    if kind_ids:
        names.kinds = {str(i): n for i, n in m.ToolKind.select(m.ToolKind.id, m.ToolKind.name)
                       .where(m.ToolKind.id.in_(kind_ids)).tuples()}
    reservation_ids = [int(i) for i in ids.get("reservation", set()) if str(i).isdigit()]
    if reservation_ids:
        rows = (m.Reservation.select(m.Reservation.id, m.ToolKind.name, m.Resident.name)
                .join(m.ToolKind).switch(m.Reservation).join(m.Resident)
                .where(m.Reservation.id.in_(reservation_ids)).tuples())
        names.reservations = {str(i): f"居民 {who} 预约的{kind}" for i, kind, who in rows}
    return names


def sentences(entries: Iterable[m.AuditLog]) -> list[str]:
    """The sentences of a page of entries, in order."""
    entries = list(entries)
    names = names_for(entries)
    return [sentence(entry, names) for entry in entries]


def sentence(entry: m.AuditLog, names: Names) -> str:
    """One entry as 「who did what to whom：what changed」."""
    who = names.staff(entry.username) if entry.username != "系统" else "系统"
    before, after = _load(entry.before), _load(entry.after)
    special = SPECIAL.get(entry.action) or (_status if entry.entity == "intake" and _moved(before, after) else None)
    if special is not None:
        return special(who, entry, before, after, names)
    what = _object(entry, names, before, after)
    label = OBJECTS.get(entry.entity, "")
    if label and entry.action.endswith(label) and what.startswith(label + " "):
        what = what[len(label) + 1:]  # 新增业务 法律援助, not 新增业务 业务 法律援助
    text = f"{who} {entry.action}{(' ' + what) if what else ''}"
    changes = _changes(before, after, names, service=_service_of(entry, after, names),
                       labels=ENTITY_LABELS.get(entry.entity, {}))
    return f"{text}：{changes}" if changes else text


# ---------------------------------------------------------------- the parts of a sentence

def _load(text: str) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _object(entry: m.AuditLog, names: Names, before: Any = None, after: Any = None) -> str:
    """The thing acted on, by its name rather than its table and row number."""
    key, kind = entry.entity_id, entry.entity
    if kind in RATED:
        who = names.intake_residents.get(key)
        return f"受理 {key}" + (f"（居民 {who}）" if who else "")
    if kind == "loan":
        who = names.loan_residents.get(key)
        return f"借用单 {key}" + (f"（居民 {who}）" if who else "")
    if kind == "resident":
        return f"居民 {names.resident(key)}"
    if kind == "person":
        return f"网格力量 {names.people.get(key, '（已删除的人员）')}"
    if kind == "staff":
        return f"人员 {names.staff_by_id[key]}" if key in names.staff_by_id else ""
    if kind == "tool_kind":
        if key == "全部":  # labels printed for every kind from the command line
            return "（全部工具种类）"
        named = [p.get("name") for p in (after, before) if isinstance(p, dict) and p.get("name")]
        return f"工具种类 {names.kinds.get(key) or (named[0] if named else key if not key.isdigit() else '（已删除）')}"
    if kind == "reservation":
        return names.reservations.get(key, "预约") if key else ""
    if kind == "service":
        svc = names.services.get(key)
        return f"业务 {svc.name}" if svc else "业务"
    if kind in ("setting", "demo", "stock_take", "diary_entry"):  # an entry is named by its person and day
        return ""
    if kind == "care_view":  # which sensitive list was seen (core/care/visibility.record_view), never its tags
        what, _, rest = key.partition(":")
        if what == "resident" and rest.isdigit():
            return f"居民 {names.resident(rest)} 的关爱标签"
        if what == "due":
            return f"{rest} 的走访名单"
        return "备注中写到的关爱对象" if what == "notes" else "关爱对象名单"
    label = OBJECTS.get(kind, "")
    return f"{label} {key}".strip() if key else label


def _service_of(entry: m.AuditLog, after: Any, names: Names) -> m.ServiceType | None:
    """The service whose field labels name an entry's details."""
    if isinstance(after, dict) and isinstance(after.get("service"), str):
        return names.services.get(after["service"])
    return names.services.get(names.intake_services.get(entry.entity_id, "")) if entry.entity in RATED else None


def _value(key: str, value: Any, names: Names, service: m.ServiceType | None = None) -> str:
    """A stored value as staff would write it."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        if key == "active":
            return "启用" if value else "停用"
        return "是" if value else "否"
    if key == "role":
        return ROLE_NAMES.get(value, str(value))
    if key == "care_visibility" and isinstance(value, dict):  # each class: who sees it, in words
        return "；".join(f"{klass}：{'、'.join(visibility.AUDIENCES.get(w, str(w)) for w in who) or '无人'}"
                        for klass, who in value.items() if isinstance(who, list))
    if key in MONEY_FEN and isinstance(value, int):
        return f"{yuan(value)}元"
    if key == "service" and isinstance(value, str):
        svc = names.services.get(value)
        return svc.name if svc else value
    if key in ("resident", "resident_id"):
        return names.resident(value)
    if key == "staff_id":
        return names.staff_by_id.get(str(value), "（已删除的人员）")
    if key == "grid_id":
        return names.grids.get(str(value), "（已删除的网格）")
    if key == "service_id":
        found = [svc.name for svc in names.services.values() if svc.id == value]
        return found[0] if found else "（已删除的业务）"
    if key == "open_weekdays" and isinstance(value, list):
        return "、".join("周" + "一二三四五六日"[int(d)] for d in value if str(d).isdigit() and 0 <= int(d) <= 6)
    if key in ("actions", "parts") and isinstance(value, str):
        value = _load(value)
    if key == "fields":
        loaded = _load(value) if isinstance(value, str) else value
        if isinstance(loaded, list):
            return "、".join(str(f.get("label", "")) for f in loaded if isinstance(f, dict)) or "（无）"
    if key == "photo":
        return "已设置" if value else "无"
    if key == "files" and isinstance(value, list):
        return "、".join(str(v).replace("\\", "/").rsplit("/", 1)[-1] for v in value)
    if key == "ids" and isinstance(value, list):
        return f"{len(value)} 个"
    if key == "details" and isinstance(value, dict):
        return _details(value, service, names)
    if key == "filter" and isinstance(value, dict):
        return _changes(None, value, names, joiner="，") or "全部"
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "（无）"
    if isinstance(value, dict):
        return _changes(None, value, names, joiner="，")
    if isinstance(value, str) and ISO_MOMENT.fullmatch(value):  # 2026-11-30T13:13:34, as services store times
        return value.replace("T", " ")[:16]
    return str(value)


def _details(values: dict, service: m.ServiceType | None, names: Names, stage: str = "") -> str:
    """An intake's service fields by their labels (欠薪金额：¥1,200.00), those of ``stage`` if given."""
    defs = {f.key: f for f in catalog.fields_of(service)} if service is not None else {}
    parts = []
    for key, raw in values.items():
        fdef = defs.get(key)
        if fdef is None or (stage and fdef.stage != stage):
            continue
        parts.append(f"{fdef.label}：{catalog.display_value(fdef, raw)}")
    return "，".join(parts)


def _changes(before: Any, after: Any, names: Names, *, service: m.ServiceType | None = None,
             joiner: str = "；", labels: dict[str, str] | None = None) -> str:
    """「label：old → new」 for what changed, 「label：value」 for what was set, known keys only."""
    labels = {**LABELS, **(labels or {})}
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    parts = []
    for key in [*after, *(k for k in before if k not in after)]:
        if key in QUIET or (key not in labels and key != "details"):
            continue
        if key == "details":
            text = _details(after.get(key) or {}, service, names)
            if text:
                parts.append(text)
            continue
        old, new = before.get(key), after.get(key)
        if key in before and key in after:
            if old == new:
                continue
            parts.append(f"{labels[key]}：{_value(key, old, names, service)} → {_value(key, new, names, service)}")
        elif key in after:
            if new in (None, "", [], False) and key not in ("active", "is_pensioner"):
                continue
            parts.append(f"{labels[key]}：{_value(key, new, names, service)}")
        else:
            parts.append(f"{labels[key]}：{_value(key, old, names, service)} → （删除）")
    return joiner.join(parts)


# ---------------------------------------------------------------- actions worth their own words

Special = Callable[[str, m.AuditLog, Any, Any, Names], str]


def _new_intake(who: str, entry: m.AuditLog, before: Any, after: Any, names: Names) -> str:
    after = after if isinstance(after, dict) else {}
    service = names.services.get(after.get("service", ""))
    resident = names.intake_residents.get(entry.entity_id, "（已不在名册中的居民）")
    what = "·".join(x for x in (service.name if service else "", after.get("action", "")) if x)
    verb = "导入受理" if entry.action == "导入受理" else "新建受理"
    text = f"{who} 为居民 {resident} {verb} {entry.entity_id}" + (f"（{what}）" if what else "")
    details = _details(after.get("details") or {}, service, names)
    return f"{text}：{details}" if details else text


def _moved(before: Any, after: Any) -> bool:
    """An intake's step (办结, 退回 …; 「变更状态」 before steps had names): its status before and after."""
    return isinstance(before, dict) and isinstance(after, dict) and "status" in before and "status" in after


def _status(who: str, entry: m.AuditLog, before: Any, after: Any, names: Names) -> str:
    before = before if isinstance(before, dict) else {}
    after = dict(after) if isinstance(after, dict) else {}
    new_status = after.pop("status", "")
    details = _load(after.pop("details", "")) or {}
    for column in catalog.STAT_COLUMNS.values():  # the same values as the details, by their field labels
        after.pop(column, None)
    text = f"{who} 把{_object(entry, names)}从“{before.get('status', '')}”改为“{new_status}”"
    completion = _details(details, _service_of(entry, None, names), names, "complete") if isinstance(details, dict) else ""
    changes = "；".join(x for x in (_changes(None, after, names, labels=ENTITY_LABELS["intake"]), completion) if x)
    return f"{text}：{changes}" if changes else text


def _settings(who: str, entry: m.AuditLog, before: Any, after: Any, names: Names) -> str:
    after = after if isinstance(after, dict) else {}
    before = before if isinstance(before, dict) else {}
    parts = [f"设置“{LABELS.get(k, '其他设置')}”：{_value(k, before.get(k), names)} → {_value(k, v, names)}"
             for k, v in after.items()]
    return f"{who} 修改了" + "；".join(parts)


def _resident(who: str, entry: m.AuditLog, before: Any, after: Any, names: Names) -> str:
    name = names.resident(entry.entity_id)
    if entry.action == "新增居民":
        return f"{who} 新增居民 {name}：{_changes(None, after, names, labels=ENTITY_LABELS['resident'])}"
    changes = _changes(before, after, names, labels=ENTITY_LABELS["resident"])
    return f"{who} 修改了居民 {name} 的档案：{changes or '没有变化'}"


def _staff(who: str, entry: m.AuditLog, before: Any, after: Any, names: Names) -> str:
    target = names.staff_by_id.get(entry.entity_id, "")
    if entry.action == "登录":
        return f"{who} 登录"
    if entry.action == "登录失败":
        reason = after.get("reason", "") if isinstance(after, dict) else ""
        return f"以登录名“{entry.username}”登录失败" + (f"：{reason}" if reason else "")
    if entry.action == "修改密码":
        return f"{who} 修改了自己的密码"
    changes = _changes(before, after, names)
    return f"{who} {entry.action} {target}" + (f"：{changes}" if changes else "")


def _reprint(who: str, entry: m.AuditLog, before: Any, after: Any, names: Names) -> str:
    return f"{who} 打印了{_object(entry, names)}的" + ("回执" if entry.entity == "intake" else "借用单")


def _database(who: str, entry: m.AuditLog, before: Any, after: Any, names: Names) -> str:
    if entry.action == "更改数据库位置":
        return f"{who} 把本机使用的数据库改为 {entry.entity_id}（下次启动起）"
    changes = _changes(before, after, names)
    return f"{who} {entry.action}数据库（{entry.entity_id}）" + (f"：{changes}" if changes else "")


def _phone(who: str, entry: m.AuditLog, before: Any, after: Any, names: Names) -> str:
    slip = after.get("slip_no", "") if isinstance(after, dict) else ""
    return f"{who} 查看了居民 {names.resident(entry.entity_id)} 的完整电话" + (f"（催还借用单 {slip}）" if slip else "")


def _documents_supplied(who: str, entry: m.AuditLog, before: Any, after: Any, names: Names) -> str:
    """补正完成 / 容缺补齐: which documents came, rather than a list that turned empty."""
    came = before.get("missing", []) if isinstance(before, dict) else []
    at = _value("supplied_at", after.get("supplied_at"), names) if isinstance(after, dict) else ""
    text = f"{who} {entry.action} {_object(entry, names)}"
    return text + (f"：补交了 {'、'.join(map(str, came))}" if came else "") + (f"（{at}）" if at else "")


def _service_map(who: str, entry: m.AuditLog, before: Any, after: Any, names: Names) -> str:
    """The station's answer to 「台账里的“欠薪”是哪项业务」, kept for the next import."""
    after = after if isinstance(after, dict) else {}
    parts = []
    for written, code in after.items():
        service = names.services.get(code)
        parts.append(f"“{written}”→ {service.name if service else code}")
    return f"{who} 记住了台账中的业务写法：" + "；".join(parts)


def _column_map(who: str, entry: m.AuditLog, before: Any, after: Any, names: Names) -> str:
    """The station's answer to 「台账里的“办结日期”列是哪一项」, kept for its next ledger of the kind."""
    kind = str(entry.entity_id).removeprefix("ledger_column_map_")
    headers = {spec.key: spec.header for spec in columns_for(kind)} if kind in KIND_NAMES else {}
    after = after if isinstance(after, dict) else {}
    parts = [f"“{written}”列 → {headers.get(key, '（已不用的项）')}" for written, key in after.items()]
    return f"{who} 记住了{KIND_NAMES.get(kind, '')}台账中的列：" + "；".join(parts)


SPECIAL: dict[str, Special] = {
    "新建受理": _new_intake, "导入受理": _new_intake, "变更状态": _status, "修改设置": _settings, "修改开放日": _settings,
    "新增居民": _resident, "修改居民": _resident, "打印回执": _reprint, "打印借用单": _reprint,
    "登录": _staff, "登录失败": _staff, "修改密码": _staff, "新增人员": _staff, "重置密码": _staff,
    "启用人员": _staff, "停用人员": _staff, "修改角色": _staff, "修改姓名": _staff,
    "备份": _database, "恢复": _database, "更改数据库位置": _database, "查看电话": _phone,
    "记住业务对应": _service_map, "记住列的对应": _column_map, "补正完成": _documents_supplied, "容缺补齐": _documents_supplied,
}
