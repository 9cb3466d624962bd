"""好差评 figures over a month with expectations counted by hand, and the reports that print them."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest

from gridstation.core.evaluation import ratings, rectification
from gridstation.core.evaluation.figures import RatingTally
from gridstation.core.evaluation.rules import CARD, SCREEN
from gridstation.core.intake import intakes, residents
from gridstation.core.station import accounts, catalog, roles
from gridstation.core.statistics import stats
from gridstation.reports.annual import write_annual
from gridstation.reports.monthly import write_monthly
from tests.conftest import PASSWORD, pdf_text
from tests.helpers import make_id

pytestmark = pytest.mark.both_backends

TODAY = dt.date(2026, 11, 30)
PENSION = ("生存认证", {"cert_year": "2026", "way": "窗口"})
JOBLESS = ("新办", {"docs_checked": True})


def t(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0)


@pytest.fixture
def october(admin, clerk, head):
    """A: 非常满意, B: 满意, C: 基本满意 (王小红, pension); D: 非常不满意 rectified in time, E: 不满意 rectified
    late and appealed, F: not rated (赵六, 失业证); G completed in Oct, rated in Nov; H completed in Sep,
    rated in Oct."""
    other = accounts.create_staff(admin, "clerk2", "赵六", roles.CLERK, PASSWORD)
    person = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))

    def done(who, code, finished: dt.datetime) -> str:
        action, details = PENSION if code == catalog.PENSION else JOBLESS
        intake = intakes.create_intake(who, intakes.IntakeInput(person.id, code, action, details,
                                                                received_at=finished - dt.timedelta(hours=1)))
        completion = {"cert_no": "123"} if code == catalog.UNEMPLOYMENT else None
        return intakes.change_status(who, intake.serial, intakes.COMPLETED, result="办结", at=finished,
                                     completion=completion).serial

    def rate(serial, level, when, reasons=()):
        ratings.record_rating(clerk, serial, level, channel=SCREEN if reasons else CARD, reasons=reasons, at=when)

    rate(done(clerk, catalog.PENSION, t(10, 5)), "非常满意", t(10, 5, 11))
    rate(done(clerk, catalog.PENSION, t(10, 6)), "满意", t(10, 7))
    rate(done(clerk, catalog.PENSION, t(10, 12)), "基本满意", t(10, 12, 11))
    d = done(other, catalog.UNEMPLOYMENT, t(10, 13))
    rate(d, "非常不满意", t(10, 13, 11), ["态度"])
    rectification.record_visit(head, d, "等候过久", at=t(10, 14))
    rectification.close(head, d, "增开窗口", "满意", at=t(10, 15))
    e = done(other, catalog.UNEMPLOYMENT, t(10, 20))
    rate(e, "不满意", t(10, 20, 11), ["多次跑"])
    ratings.appeal(head, e, "居民对政策本身不满，非窗口原因", at=t(11, 30, 9))
    rectification.record_visit(head, e, "政策解释", at=t(11, 9))
    rectification.close(head, e, "再次解释政策", "基本满意", at=t(11, 10))
    done(other, catalog.UNEMPLOYMENT, t(10, 21))
    rate(done(clerk, catalog.PENSION, t(10, 30)), "满意", t(11, 2))
    rate(done(clerk, catalog.PENSION, t(9, 29)), "满意", t(10, 1))


def test_october_counted_by_hand(october):
    figures = stats.period_stats(dt.date(2026, 10, 1), dt.date(2026, 10, 31), TODAY).ratings
    # E's 申诉 is made today (30 Nov), after October: a printed month does not change later.
    assert figures.total == RatingTally(completed=7, rated=5, received=6, satisfied=3, bad=2, appealed=0,
                                        rectified=1, rectified_on_time=1)
    assert figures.total.rating_rate == pytest.approx(5 / 7)
    assert figures.total.satisfaction_rate == pytest.approx(0.5)
    assert figures.total.rectify_rate == figures.total.on_time_rectify_rate == pytest.approx(0.5)
    assert figures.by_service == {
        "养老保险待遇资格认证": RatingTally(completed=4, rated=3, received=4, satisfied=3),
        "失业证": RatingTally(completed=3, rated=2, received=2, bad=2, rectified=1, rectified_on_time=1),
    }
    assert figures.by_staff["王小红"] == figures.by_service["养老保险待遇资格认证"]
    assert figures.by_staff["赵六"] == figures.by_service["失业证"]


def test_november_and_the_late_rectification(october):
    figures = stats.period_stats(dt.date(2026, 11, 1), TODAY, TODAY).ratings
    assert figures.total == RatingTally(received=1, satisfied=1)
    # Seen from the whole of October and November, E's 整改 is done but late.
    both = stats.period_stats(dt.date(2026, 10, 1), TODAY, TODAY).ratings.total
    assert (both.bad, both.appealed, both.rectified, both.rectified_on_time) == (2, 1, 2, 1)
    assert both.satisfaction_rate is not None and both.rating_rate == pytest.approx(6 / 7)


def test_monthly_pdf_and_excel_show_the_figures_and_definitions(october, tmp_path):
    text = re.sub(r"\s+", " ", pdf_text(write_monthly(dt.date(2026, 10, 1), tmp_path / "m.pdf", tmp_path / "m.xlsx",
                                                      today=TODAY)))
    assert "好差评·按受理人员（本月）" in text
    assert "满意率＝（非常满意＋满意）÷收到评价" in re.sub(r"\s+", "", text)
    assert re.search(r"评价率 71\.4% ", text) and re.search(r"满意率 50\.0% ", text)
    book = openpyxl.load_workbook(tmp_path / "m.xlsx")
    rows = {r[0]: r[1:] for r in book["好差评"].iter_rows(min_row=4, values_only=True)}
    assert rows["收到评价（件）"][0] == 6 and rows["差评（件）"][0] == 2
    by_staff = {r[0]: r[1:] for r in book["好差评·人员"].iter_rows(min_row=4, values_only=True)}
    assert by_staff["赵六"][:2] == (3, 2)


def test_annual_pdf_shows_the_years_figures(october, tmp_path):
    text = re.sub(r"\s+", "", pdf_text(write_annual(2026, tmp_path / "a.pdf", today=TODAY)))
    assert "好差评·按业务（全年）" in text and "一次性告知与容缺受理" in text
    assert "收到评价（件）70" in text  # 本年 7 (Oct 6 + Nov 1), 上年 0
    # The work summary quotes them: 4 of 7 satisfied (A, B, G, H), 2 bad, both rectified by now, written
    # as the table beside it writes a rate (one formatter: 100.0%, not 100% beside 100.0%).
    assert "收到群众评价7件，满意率57.1%；差评2件，整改率100.0%。" in text
    assert "整改率100%" not in text
