"""人民调解协议书: the agreement a successful mediation prints for the parties to sign.

It follows the shape of the printed form mediation committees use: the parties, the facts of the
dispute, the terms agreed, how many copies, and a signature line for each party, the mediator and
the committee's seal. Numbers are masked as on every printed document (the signed paper copies
are filed with the parties' own ID cards checked at the table).
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from gridstation.core.events.agreement import AgreementData
from gridstation.core.rules import clock
from gridstation.core.rules.idcard import mask_id, mask_phone
from gridstation.reports.blocks import (
    StationInfo,
    grid_table,
    header,
    key_values,
    label_width,
    section,
    signature_lines,
)
from gridstation.reports.cn_dates import cn_date, cn_datetime
from gridstation.reports.pdf_build import build_pdf
from gridstation.reports.styles import Styles, styles, text

TITLE = "人民调解协议书"


def write_agreement(data: AgreementData, out: Path, *, sample: bool = False) -> Path:
    st = styles(10.5)
    width = A4[0] - 2 * 18 * mm
    station = StationInfo.current()
    return build_pdf(out, _story(station, data, st, width, sample), pagesize=A4, margin=18 * mm, bottom=14 * mm,
                     footer=f"事件编号 {data.number}　打印于 {cn_datetime(clock.now())}",
                     title=f"{TITLE} {data.number}", author=station.name)


def _story(station: StationInfo, data: AgreementData, st: Styles, width: float, sample: bool) -> list[Flowable]:
    story = header(station, TITLE, st, width, sample=sample)
    facts = [("协议编号", text(data.number, st.strong)), ("纠纷类别", data.category),
             ("调解地点", data.place or "—"), ("调解员", data.mediators or "—"),
             ("调解次数", f"{data.sessions} 次"), ("达成日期", cn_date(data.agreed_on))]
    story.append(key_values(facts, width, st, label_width=label_width([f[0] for f in facts], st, maximum=30 * mm),
                            columns=2))
    story += section("当事人", st)
    rows = [[str(n), p.name, mask_id(p.doc_number) or "—", mask_phone(p.phone) or "—", p.address or "—"]
            for n, p in enumerate(data.parties, start=1)]
    story.append(grid_table(["序号", "姓名", "证件号码", "联系电话", "住址"], rows,
                            [12 * mm, 28 * mm, 48 * mm, 32 * mm, width - 120 * mm], st,
                            aligns=["center", "left", "left", "left", "left"]))
    story += section("纠纷主要事实、争议事项", st)
    story.append(text(data.facts, st.body))
    story += section("经调解，双方自愿达成如下协议", st)
    story.append(text(data.terms, st.body))
    story += section("履行与效力", st)
    story.append(text(f"本协议自各方当事人签字、调解员签字并加盖人民调解委员会印章之日起生效，"
                      f"当事人应当按照约定履行。本协议一式{len(data.parties) + 1}份，当事人各执一份，"
                      f"人民调解委员会留存一份。", st.body))
    labels = [f"当事人（{p.name}）：" for p in data.parties] + ["调解员：", "人民调解委员会（印章）："]
    story.append(signature_lines(labels, width, st))
    return story
