"""The year's paragraph (工作总结参考段落) of the annual report, assembled here from the sentences each
domain offers, in the wording of the stations' own year-end summaries, so the head can paste it into the
年度工作总结 unchanged.

The counter's own work is written here, beside the figures ``stats.py`` computes for it across services,
grids and staff: the services completed, the tools lent, the pension coverage. A domain with figures of
its own offers its sentence in its own package (``events/figures.py``, ``evaluation/figures.py``:
``year_sentence``), and ``DOMAIN_SENTENCES`` lists them in the order the paragraph reads them. A new
domain adds its figures to ``PeriodStats``, its sentence in its package and one line here; the annual
report (``report_content.annual_report``) hands the paragraph to ``reports`` as text.

Every rate is written by ``rules.rates.percent``, as the tables beside the paragraph write it.
"""

from __future__ import annotations

from collections.abc import Callable

from gridstation.core.evaluation.figures import year_sentence as ratings_sentence
from gridstation.core.events.figures import year_sentence as events_sentence
from gridstation.core.grids.figures import year_sentence as grids_sentence
from gridstation.core.rules.money import yuan
from gridstation.core.rules.rates import percent
from gridstation.core.station import catalog
from gridstation.core.statistics.stats import AnnualStats, PeriodStats, ServiceRow

DomainSentence = Callable[[PeriodStats], str]
DOMAIN_SENTENCES: tuple[DomainSentence, ...] = (
    lambda year: grids_sentence(year.grid_register),  # 网格、楼栋与网格力量
    lambda year: events_sentence(year.events.total),  # 网格事件
    lambda year: ratings_sentence(year.ratings.total),  # 好差评
)


def _service_phrase(row: ServiceRow) -> str:
    """How a work summary names one service's completed work, in the seeds' wording."""
    n = row.completed
    if row.code == catalog.WAGE:
        recovered = f"（追回欠薪{yuan(row.recovered_fen)}元）" if row.recovered_fen else ""
        return f"{row.name}{n}起{recovered}"
    if row.code == catalog.PENSION:
        return f"协助完成{row.name}{n}人次"
    if row.code == catalog.UNEMPLOYMENT:
        parts = [f"{action}{count}{'本' if action == '新办' else '人次'}"
                 for action, count in row.completed_by_action.items() if count]
        return row.name + "、".join(parts)
    if row.code == catalog.SUBSIDY_4050:
        return f"{row.name}{n}人次"
    return f"{row.name}{n}件"


def _counter_sentences(stats: PeriodStats, lead: str) -> str:
    """The services completed and the tools lent, then the year's intake totals and pension coverage.

    Lists every service with work completed in the year (station-added ones as "名称N件"); a service
    with nothing completed is left out, as a written summary would.
    """
    wage = [r for r in stats.services if r.code == catalog.WAGE and r.completed]
    others = [r for r in stats.services if r.code != catalog.WAGE and r.completed]
    phrases = [_service_phrase(r) for r in others]
    if stats.tools.lent:
        phrases.append(f"借出共享工具{stats.tools.lent}次")
    if wage:
        body = f"{lead}社区承接并完成了{_service_phrase(wage[0])}" + ("，" + "，".join(phrases) if phrases else "")
    elif phrases:
        body = f"{lead}社区" + "，".join(phrases)
    else:
        body = f"{lead}社区暂无办结的业务"
    t = stats.total
    closing = f"全年共受理群众办事{t.received}件，办结{t.completed}件，办结率{percent(t.completion_rate)}。"
    pension = stats.pension
    if pension.pensioners:
        closing += f"养老保险待遇资格认证覆盖{pension.certified}人，占领取养老金人员的{percent(pension.coverage)}。"
    return f"{body}。{closing}"


def work_summary(annual: AnnualStats, current_year: int) -> str:
    """The ready-to-paste paragraph for the year's work summary (服务站年度工作总结): the counter's own
    work, then each domain's sentence (empty when the domain had nothing that year)."""
    lead = "今年" if annual.year == current_year else f"{annual.year}年"
    year = annual.total
    return _counter_sentences(year, lead) + "".join(sentence(year) for sentence in DOMAIN_SENTENCES)
