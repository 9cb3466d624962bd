"""The columns of each ledger (台账): Chinese headers, the variants stations write, and what each holds.

Templates, imports, exports and the import wizard's mapping page all read these lists, so a
column is named the same way everywhere. Intake ledgers also carry one column per service field
of the station's catalogue (用人单位, 欠薪金额, 认证年度 ...), read from the catalogue when needed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal

from gridstation.core.events import rules as event_rules
from gridstation.core.grids import rules as grid_rules
from gridstation.core.intake import intakes
from gridstation.core.intake.material_rules import CHECK_WORDS
from gridstation.core.rules import idcard
from gridstation.core.station import catalog
from gridstation.core.toolbox import tool_units

RESIDENTS, INTAKES, TOOLS, LOANS, EVENTS = "residents", "intakes", "tools", "loans", "events"
GRIDS, GRID_PEOPLE = "grids", "gridpeople"  # 网格划分表, 网格力量花名册
KINDS = (RESIDENTS, INTAKES, TOOLS, LOANS, EVENTS, GRIDS, GRID_PEOPLE)
# The first history entry of an imported intake; its 备注 follows "：" after it. The import writes it and
# the export recognises it, so it lives with the columns both of them read.
IMPORT_NOTE = "导入台账"
KIND_NAMES = {RESIDENTS: "居民", INTAKES: "受理", TOOLS: "工具", LOANS: "借用", EVENTS: "网格事件", GRIDS: "网格划分",
              GRID_PEOPLE: "网格力量"}
# The column a worksheet stands for when it lacks it (one sheet per service, one sheet per grid): the
# sheet's name, or a title row above the header that names it (网格：第一网格). ledger_read.assemble.
SHEET_STANDS_FOR = {INTAKES: "service", GRIDS: "grid", GRID_PEOPLE: "grid"}

# What a cell holds; the reader converts and checks each type (ledger_read.Row).
TEXT, ID_NUMBER, PHONE, DATE, MOMENT, MONEY, BOOL = "text", "id", "phone", "date", "moment", "money", "bool"


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    header: str
    type: str = TEXT
    aliases: tuple[str, ...] = ()
    required: bool = False
    note: str = ""  # the template's explanation sheet
    example: object = ""
    width: int = 12

    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)

    def typed_example(self) -> object:
        """The example as the template stores it: a date, a time or an amount as a real cell, not text."""
        if self.example in ("", None) or not isinstance(self.example, str):
            return self.example
        if self.type == DATE:
            return dt.date.fromisoformat(self.example)
        if self.type == MOMENT:
            return dt.datetime.fromisoformat(self.example)
        if self.type == MONEY:
            return Decimal(self.example)
        return self.example


def _c(key: str, header: str, type_: str = TEXT, *aliases: str, required: bool = False, note: str = "",
       example: object = "", width: int = 12) -> ColumnSpec:
    return ColumnSpec(key, header, type_, aliases, required, note, example, width)


# Every wording of a phone column stations use; each ledger with a phone reads them all.
PHONE_WORDS = ("联系电话", "手机", "手机号", "手机号码", "电话", "电话号码", "联系方式", "联系电话号码", "移动电话")
DATE_NOTE = "可写作 2024-01-05、2024/1/5、2024.1.5、2024年1月5日、20240105，或Excel日期格式"
ID_NOTE = "18位居民身份证号码；请把此列设为“文本”格式，否则Excel会把号码改成科学计数法并丢掉后几位"

RESIDENT_COLUMNS: tuple[ColumnSpec, ...] = (
    _c("name", "姓名", TEXT, "居民姓名", "名字", required=True, example="张三", width=10),
    _c("doc_number", "身份证号", ID_NUMBER, "身份证号码", "证件号码", "公民身份号码", "身份证", "证件号",
       required=True, note=ID_NOTE, example="110101199003077715", width=22),
    _c("doc_type", "证件类型", TEXT, note=f"留空为{idcard.MAINLAND_ID}；可填：{'、'.join(idcard.DOC_TYPES)}",
       width=12),
    _c("gender", "性别", TEXT, note="男或女；居民身份证可不填（由号码得出），填了则须与号码一致", example="男",
       width=6),
    _c("birth_date", "出生日期", DATE, "出生年月日", "生日",
       note="居民身份证可不填（由号码得出）；" + DATE_NOTE, example="1990-03-07", width=12),
    _c("phone", "联系电话", PHONE, *PHONE_WORDS[1:],
       note="手机11位，或带区号的座机（0871-12345678）；请设为“文本”格式", example="13812345678", width=15),
    _c("compound", "小区", TEXT, "小区名称", "居住小区", example="星天地", width=14),
    _c("building", "楼栋", TEXT, "楼号", "栋", "幢", "楼栋号", example="3", width=6),
    _c("unit", "单元", TEXT, "单元号", example="2", width=6),
    _c("room", "室", TEXT, "房号", "室号", "门牌号", "房间号", example="501", width=8),
    _c("grid", "网格", TEXT, "所属网格", "网格名称", example="第一网格", width=10),
    _c("is_pensioner", "养老金领取人员", BOOL, "养老金领取", "是否养老金领取人员", note="是或否，留空为否（更新已登记的居民时留空不改）",
       example="否", width=8),
    _c("status", "状态", TEXT, "居民状态", "人员状态", note="在册、迁出或死亡；留空为在册（更新已登记的居民时留空不改）",
       width=6),
    _c("status_on", "状态日期", DATE, "迁出日期", "死亡日期", "变动日期", note="迁出或死亡的日期；留空为导入当天；" + DATE_NOTE,
       width=12),
    _c("moved_to", "迁往", TEXT, "迁往何处", "迁往地", "迁入地", note="迁出时必填：迁往何处", width=14),
    _c("notes", "备注", TEXT, "说明", width=20),
)

INTAKE_FIXED: tuple[ColumnSpec, ...] = (
    _c("serial", "受理编号", TEXT, "编号", "流水号",
       note="留空则自动分配；填写的编号原样保留（已是另一受理的编号时该行不导入）", example="", width=18),
    _c("received_at", "受理日期", MOMENT, "受理时间", "登记日期", "日期", required=True,
       note=DATE_NOTE + "；可带时间，如 2024-01-05 09:30", example="2024-01-05 09:30", width=17),
    _c("name", "姓名", TEXT, "居民姓名", "申请人",
       note="已登记的居民须与档案中的姓名一致；未登记的居民按本行的姓名、身份证号和电话登记", example="张三", width=10),
    _c("doc_number", "身份证号", ID_NUMBER, "身份证号码", "证件号码", "公民身份号码", "身份证", "证件号",
       required=True, note="已登记的居民按号码找到；" + ID_NOTE, example="110101199003077715", width=22),
    _c("phone", "联系电话", PHONE, *PHONE_WORDS[1:],
       note="登记新居民时使用；已登记的居民不修改档案", example="13812345678", width=15),
    _c("service", "业务类型", TEXT, "业务", "业务名称", "事项类型", required=True,
       note="服务清单中的业务名称、代码或简称（如 4050、失业登记、养老认证、欠薪）；"
            "不认识的写法导入时逐个指定一次，以后自动对应", example="失业证", width=16),
    _c("action", "办理事项", TEXT, "事项", "办理类型", note="留空为该业务的第一项", example="新办", width=10),
    _c("status", "状态", TEXT, "办理状态", note=f"留空为受理；可填：{'、'.join(intakes.STATUSES)}",
       example="办结", width=8),
    _c("completed_at", "办结日期", MOMENT, "办结时间", "完成日期",
       note="状态为办结、退回或转办时必填；" + DATE_NOTE, example="2024-01-08", width=17),
    _c("staff", "经办人", TEXT, "受理人", "经办人员", note="本站人员的姓名或登录名；已离开的人员照写姓名（按姓名保留）；可不填", example="", width=10),
    _c("result", "办理结果", TEXT, "处理结果说明", note="办结、退回时必填", example="已发证", width=20),
    _c("forwarded_to", "转往部门", TEXT, "转办部门", note="状态为转办时必填", width=14),
    _c("documents", "收取材料", TEXT, "材料", width=16),
    _c("notes", "备注", TEXT, "说明", width=20),
    # The document check (一次性告知 / 容缺受理): without it a 待补正 request could never be completed.
    _c("check", "材料核对", TEXT, "材料情况",
       note=f"按材料清单核对的结果：{'、'.join(CHECK_WORDS.values())}；留空为未按材料清单核对", width=10),
    _c("missing", "缺少材料", TEXT, "待补材料", "缺件材料",
       note="一次性告知或容缺受理时缺少的材料，用“、”分隔，须与服务清单中的材料名称一致", width=20),
    _c("deadline", "补正期限", DATE, "补齐期限", "补交日期", note="一次性告知、容缺受理时必填；" + DATE_NOTE, width=12),
    _c("supplied_at", "补正日期", MOMENT, "补齐日期", "补正时间", note="缺少的材料交齐的时间，未交齐留空；" + DATE_NOTE,
       width=17),
)

TOOL_COLUMNS: tuple[ColumnSpec, ...] = (
    _c("kind", "工具名称", TEXT, "名称", "工具", "工具种类", required=True, example="人字梯", width=14),
    _c("category", "类别", TEXT, "分类", "工具类别", example="登高", width=10),
    _c("asset_code", "资产编号", TEXT, "编号", "资产编码", "资产标签",
       note=f"留空则自动编号（{tool_units.asset_code(1)}）", example=tool_units.asset_code(1), width=12),
    _c("loan_days", "借用天数", TEXT, "借期", "借用期限", "可借天数", "可借用天数", note="新工具种类必填；已有种类须与工具清单一致",
       example=7, width=9),
    _c("deposit", "押金", MONEY, "押金金额", note="单位：元，可写 ¥50 或 1,000.00", example="50.00", width=10),
    _c("state", "状态", TEXT, "工具状态",
       note=f"留空为{tool_units.AVAILABLE}；可填：{'、'.join(tool_units.MANUAL_STATES)}；“借出”由借用台账导入时设置",
       example=tool_units.AVAILABLE, width=8),
    _c("purchase_date", "购置日期", DATE, "购买日期", note=DATE_NOTE, width=12),
    _c("notes", "情况说明", TEXT, "备注", width=20),
)

LOAN_COLUMNS: tuple[ColumnSpec, ...] = (
    _c("slip_no", "借用单号", TEXT, "单号",
       note="同一借用单的几件工具填同一个单号，单号原样保留（已是另一借用单的单号时不导入）；可不填（每行一张借用单，自动编号）", width=16),
    _c("asset_code", "资产编号", TEXT, "编号", "资产编码", required=True, example=tool_units.asset_code(1), width=12),
    _c("kind", "工具名称", TEXT, "工具", note="仅供核对", example="人字梯", width=12),
    _c("doc_number", "身份证号", ID_NUMBER, "身份证号码", "证件号码", "借用人身份证号", "身份证",
       required=True, note="借用人须已登记；" + ID_NOTE, example="110101199003077715", width=22),
    _c("name", "姓名", TEXT, "借用人", "借用人姓名", note="须与居民档案一致", example="张三", width=10),
    _c("lent_at", "借出日期", MOMENT, "借出时间", "借用日期", required=True, note=DATE_NOTE,
       example="2024-01-05 10:00", width=17),
    _c("due_date", "应还日期", DATE, "归还期限", "到期日期", note="留空按工具的借用天数计算；" + DATE_NOTE,
       example="2024-01-12", width=12),
    _c("returned_at", "归还日期", MOMENT, "归还时间", "实际归还日期", note="未归还留空；" + DATE_NOTE,
       example="2024-01-10", width=17),
    _c("condition", "归还状况", TEXT, "归还情况",
       note=f"可填：{'、'.join(tool_units.CONDITIONS)}；已归还而留空为{tool_units.GOOD}", example=tool_units.GOOD, width=8),
    # One deposit per slip, on its first row (the header says so): the column then adds up to what was taken.
    _c("deposit", "押金（每单）", MONEY, "押金", "押金金额",
       note="整张借用单的押金（元），只填在该单的第一行；留空按工具的押金合计", width=13),
    _c("refunded", "已退押金（每单）", MONEY, "已退押金", "退还押金",
       note="整张借用单已退的押金（元），只填在该单的第一行；留空按归还情况自动计算", width=16),
)


EVENT_COLUMNS: tuple[ColumnSpec, ...] = (
    _c("number", "事件编号", TEXT, "编号", note="留空则自动编号（SJ+日期+序号）；填写的编号原样保留（已是另一事件的编号时该行不导入）", width=16),
    _c("found_at", "发现时间", MOMENT, "发现日期", "登记时间", "日期", required=True, note=DATE_NOTE,
       example="2024-01-05 09:30", width=17),
    _c("category", "事件类别", TEXT, "类别", "问题类别", "事件类型", required=True,
       note="服务站的事件类别之一，如 环境卫生、设施损坏、安全隐患、矛盾纠纷、民生诉求、其他", example="设施损坏", width=10),
    _c("level", "等级", TEXT, "紧急程度", note="一般 或 紧急；留空为一般", example=event_rules.NORMAL, width=6),
    _c("source", "来源", TEXT, "事件来源", "问题来源", note=f"可填：{'、'.join(event_rules.SOURCES)}；留空为巡查发现",
       example=event_rules.PATROL, width=9),
    _c("grid", "网格", TEXT, "所属网格", note="网格名称或编号；本站没有的网格导入时新增（试运行时列出）", example="第一网格", width=10),
    _c("place", "地点", TEXT, "发生地点", "位置", "地址", example="星体花园3栋", width=16),
    _c("description", "问题描述", TEXT, "发现问题", "事件描述", "问题", "内容", required=True, example="路灯不亮",
       width=24),
    _c("found_by", "发现人", TEXT, "网格员", note="网格力量中的人员姓名（不必有登录账号），没有的导入时新增；留空为导入人",
       width=8),
    _c("reporter", "反映人", TEXT, "反映人姓名", note="来源为居民反映时必填", width=8),
    _c("reporter_phone", "反映人电话", PHONE, "反映人手机", "反映人联系电话", *PHONE_WORDS, width=14),
    _c("route", "处置方式", TEXT, "处置途径", "办理方式", "处理方式",
       note=f"{event_rules.IN_GRID} 或 {event_rules.REPORTED_UP}（也可写 上报街道平台、自行处置）", width=10),
    _c("case_no", "街道平台编号", TEXT, "平台编号", "平台案件编号", "上报编号", note="上报街道时必填", width=16),
    _c("reported_on", "上报日期", DATE, "上报时间", note=DATE_NOTE, width=12),
    _c("assignee", "经办人", TEXT, "承办", "承办人", "处置人", "经办",
       note="网格力量中的人员姓名，或协作单位（如 物业、派出所）；名册中没有的人员导入时新增", width=10),
    _c("due_date", "处置期限", DATE, note="导出时填写；导入时按类别和等级重新计算", width=12),
    _c("status", "状态", TEXT, note="导出时填写；导入时由销号时间决定", width=8),
    _c("closed_at", "销号时间", MOMENT, "办结时间", "销号日期", "办结日期", "完成时间", "完成日期", "处置完成时间",
       note="未销号留空；" + DATE_NOTE, width=17),
    _c("result", "处置结果", TEXT, "办理结果", "结果", "处理结果", "处置情况",
       note="调解成功时为协议内容，调解不成时为引导当事人去向", width=20),
    _c("outcome", "调解结果", TEXT, "调解情况", "是否调解成功",
       note=f"矛盾纠纷填写：{event_rules.MEDIATION_SUCCESS} 或 {event_rules.MEDIATION_FAILED}；其他类别留空", width=10),
    _c("visit", "回访", TEXT, note="导出时填写，导入时不读", width=14),
)


GRID_COLUMNS: tuple[ColumnSpec, ...] = (
    _c("code", "网格编码", TEXT, "网格编号", "编码", note="字母、数字和“-”，最多20位；留空则自动编号（WG001）。"
       "已有的网格按编码找到，没有编码时按上级网格下的名称找到", example="WG001", width=10),
    _c("grid", "网格名称", TEXT, "网格", "所属网格", required=True,
       note="每张工作表一个网格时，可不设此列：工作表名或标题行（如“网格：第一网格”）即网格名称", example="第一网格", width=12),
    _c("level", "层级", TEXT, "网格层级", "级别", note=f"{'、'.join(grid_rules.LEVELS)}，或本站的叫法；新网格留空为四级",
       example="四级", width=6),
    _c("kind", "类型", TEXT, "网格类型", note=f"{'、'.join(grid_rules.KINDS)}；留空为{grid_rules.GENERAL}",
       example=grid_rules.GENERAL, width=9),
    _c("parent", "上级网格", TEXT, "上级", "上级网格名称", "上级网格编码",
       note="上级网格的编码或名称；留空为社区下的网格。本站没有的上级网格按表中的行新增", example="", width=12),
    _c("scope", "范围", TEXT, "网格范围", "管辖范围", "四至范围", width=20),
    _c("opened_on", "启用日期", DATE, "设立日期", "成立日期", "划分日期",
       note="网格从哪天起划分（以前各期的统计按它计）；新网格留空为导入当天；" + DATE_NOTE, width=12),
    _c("compound", "小区", TEXT, "小区名称", "居住小区", note="填写楼栋时必填", example="星天地", width=12),
    _c("building", "楼栋", TEXT, "楼号", "楼栋号", "栋", note="一行一栋楼；只登记网格的行留空", example="3号楼", width=8),
    _c("unit", "单元", TEXT, "单元号", note="单元另属一个（微）网格时填写，该单元的居民归入本行的网格", width=6),
    _c("households", "户数", TEXT, "住户数", "总户数", note="楼栋的户数（整数）", example=60, width=6),
    _c("property_company", "物业公司", TEXT, "物业", "物业名称", "物业服务企业", width=14),
    _c("property_contact", "物业联系电话", TEXT, "物业电话", "物业联系方式", "物业联系人电话", width=14),
)

GRID_PEOPLE_COLUMNS: tuple[ColumnSpec, ...] = (
    _c("name", "姓名", TEXT, "人员姓名", required=True, example="张三", width=10),
    _c("role", "角色", TEXT, "岗位", "职务", "身份", required=True,
       note=f"{'、'.join(grid_rules.ROLES)}，或本站增加的岗位", example=grid_rules.FULL_TIME, width=10),
    _c("grid", "网格", TEXT, "所属网格", "网格名称", "服务网格", required=True,
       note="网格名称或编码；本站没有的网格导入时新增（试运行时列出）。每张工作表一个网格时可不设此列："
            "工作表名或标题行（如“网格：第一网格”）即网格", example="第一网格", width=12),
    _c("building", "楼栋", TEXT, "负责楼栋", "楼号", note="楼栋长、单元长等服务的楼栋，须已登记在该网格中（如 星天地3号楼）",
       width=12),
    _c("unit", "单元", TEXT, "单元号", note="单元长等服务的单元，须已登记", width=6),
    _c("phone", "电话", PHONE, *PHONE_WORDS, note="本人为该岗位提供的电话", example="13812345678", width=14),
    _c("phone_public", "同意公示电话", BOOL, "公示电话", "是否公示电话", "是否同意公示", "同意公示", "是否同意公示电话", note="是或否，留空为否；为“是”时电话印在公示牌上",
       example="是", width=8),
    _c("started_on", "起始日期", DATE, "开始日期", "任职日期", "上岗日期", note="留空为导入当天；" + DATE_NOTE,
       example="2024-01-05", width=12),
    _c("ended_on", "结束日期", DATE, "离任日期", "卸任日期", note="仍在岗留空；" + DATE_NOTE, width=12),
    _c("staff", "关联账号", TEXT, "登录名", "账号", note="本站工作人员的登录名或姓名；同一人只登记一次", width=10),
    _c("doc_number", "身份证号", ID_NUMBER, "身份证号码", "证件号码", "公民身份号码",
       note="填写时关联已登记的居民（须已登记）；" + ID_NOTE, width=22),
)


def service_field_columns() -> list[ColumnSpec]:
    """One column per distinct field label in the catalogue (every service, retired ones too)."""
    fixed = {name for spec in INTAKE_FIXED for name in spec.names()}
    seen: dict[str, ColumnSpec] = {}
    notes: dict[str, list[str]] = {}
    for service in catalog.all_services():
        for fdef in catalog.fields_of(service):
            if fdef.label in fixed:
                continue
            notes.setdefault(fdef.label, []).append(f"{service.name}：{fdef.requirement()}")
            if fdef.label in seen:
                continue
            note = catalog.FIELD_TYPES.get(fdef.type, fdef.type)
            if fdef.type == "money":
                note += "（元），可写 1,234.50、¥500、1.2万元"
            if fdef.choices:
                note += f"；可填：{'、'.join(fdef.choices)}"
            type_ = DATE if fdef.type == "date" else MONEY if fdef.type == "money" else TEXT
            seen[fdef.label] = ColumnSpec(field_key(fdef.label), fdef.label, type_, note=note,
                                          width=max(10, 2 * len(fdef.label) + 2))
    # Which services ask for the field and whether it must be filled: FieldDef.required_for, in words.
    return [replace(spec, note=f"{spec.note}；{'；'.join(notes[spec.header])}") for spec in seen.values()]


FIELD_PREFIX = "field:"


def field_key(label: str) -> str:
    """The column key of a service field: its label, since one label may belong to several services."""
    return FIELD_PREFIX + label


# Each kind's own columns; the intake ledger adds one per service field of the catalogue (columns_for).
FIXED_COLUMNS: dict[str, tuple[ColumnSpec, ...]] = {RESIDENTS: RESIDENT_COLUMNS, INTAKES: INTAKE_FIXED, TOOLS: TOOL_COLUMNS,
                                                     LOANS: LOAN_COLUMNS, EVENTS: EVENT_COLUMNS, GRIDS: GRID_COLUMNS,
                                                     GRID_PEOPLE: GRID_PEOPLE_COLUMNS}


def columns_for(kind: str) -> list[ColumnSpec]:
    """The ledger columns of ``kind``; intakes need the database open (the catalogue)."""
    if kind == INTAKES:
        return [*INTAKE_FIXED, *service_field_columns()]
    return list(FIXED_COLUMNS[kind])


def normalise_header(text: object) -> str:
    """A header as typed in any ledger: full-width forms, spaces, line breaks, '*必填' marks and units removed."""
    value = unicodedata.normalize("NFKC", "" if text is None else str(text))
    value = re.sub(r"\s+", "", value)
    value = re.sub(r"[（(][^）)]*[）)]$", "", value)  # 押金(元), 电话（手机）
    return value.strip("*＊:：")


def detect_mapping(headers: list[object], columns: list[ColumnSpec]) -> dict[str, int]:
    """Column key -> index of the file column holding it; the first matching header wins."""
    index_of: dict[str, int] = {}
    for i, header in enumerate(headers):
        name = normalise_header(header)
        if name and name not in index_of:
            index_of[name] = i
    mapping: dict[str, int] = {}
    taken: set[int] = set()
    for spec in columns:
        for name in spec.names():
            i = index_of.get(normalise_header(name))
            if i is not None and i not in taken:
                mapping[spec.key] = i
                taken.add(i)
                break
    return mapping
