"""The printed 一次性告知单 and 容缺受理承诺书, read back with pdftotext."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from gridstation.core.intake import intakes, material_check, residents
from gridstation.core.intake.material_rules import DEFERRED, NOTICE
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import catalog
from gridstation.reports.material_notices import write_notice, write_pledge
from tests.conftest import STATION, pdf_text
from tests.helpers import make_id

DOC = make_id("530111", "19700101", "021")


@pytest.fixture
def resident(admin):
    return residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=DOC))


def wage(resident) -> intakes.IntakeInput:
    return intakes.IntakeInput(resident.id, catalog.WAGE, "欠薪投诉",
                               {"employer": "昆明某建筑劳务有限公司", "workers": "3", "amount_owed": "9000"})


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_notice_lists_every_missing_document_its_form_source_and_the_date(clerk, resident, tmp_path):
    bring_by = clock.today() + dt.timedelta(days=7)
    intake = material_check.create_checked_intake(clerk, wage(resident), ["居民身份证"], mode=NOTICE, deadline=bring_by)
    text = flat(pdf_text(write_notice(intake.serial, tmp_path / "notice.pdf")))
    assert STATION in text and "一次性告知单" in text and intake.serial in text
    assert "张三" in text and DOC not in text and DOC[:6] + "********" + DOC[-4:] in text
    assert "已收材料居民身份证（原件1份）" in text
    for name, _form, source in (("劳动合同或用工证明", "复印件", "用人单位，或工友证言"),
                               ("工资欠条或工资条", "复印件", "用人单位财务，或银行流水")):
        assert name in text and source in text
    assert f"请于{bring_by.year}年{bring_by.month}月{bring_by.day}日前" in text
    assert "承诺时限（15天）自该日起计算" in text
    with pytest.raises(DomainError, match="没有容缺受理承诺书"):
        write_pledge(intake.serial, tmp_path / "pledge.pdf")


def test_pledge_names_the_documents_to_follow_and_the_deadline(clerk, resident, tmp_path):
    deadline = clock.today() + dt.timedelta(days=5)
    intake = material_check.create_checked_intake(clerk, wage(resident), ["居民身份证", "劳动合同或用工证明"],
                                                mode=DEFERRED, deadline=deadline)
    text = flat(pdf_text(write_pledge(intake.serial, tmp_path / "pledge.pdf")))
    assert "容缺受理承诺书" in text and "工资欠条或工资条" in text and "劳动合同或用工证明（复印件1份）" in text
    assert f"承诺于{deadline.year}年{deadline.month}月{deadline.day}日前补齐" in text
    assert "承诺人签字" in text
    with pytest.raises(DomainError, match="没有一次性告知单"):
        write_notice(intake.serial, tmp_path / "notice.pdf")


def test_reprints_after_the_documents_came_show_what_was_missing_then(clerk, resident, tmp_path):
    """A reprint of the 告知单 or 承诺书 after 材料已补齐 is the paper the resident was given, not an empty table
    under 「携带上述材料」; the screen meanwhile says nothing is missing."""
    bring_by = clock.today() + dt.timedelta(days=7)
    notice = material_check.create_checked_intake(clerk, wage(resident), ["居民身份证"], mode=NOTICE, deadline=bring_by)
    pledged = material_check.create_checked_intake(clerk, wage(resident), ["居民身份证", "劳动合同或用工证明"],
                                                 mode=DEFERRED, deadline=bring_by)
    for serial in (notice.serial, pledged.serial):
        material_check.supply_missing(clerk, serial)
    text = flat(pdf_text(write_notice(notice.serial, tmp_path / "notice.pdf")))
    assert "劳动合同或用工证明" in text and "工资欠条或工资条" in text and "已收材料居民身份证（原件1份）" in text
    text = flat(pdf_text(write_pledge(pledged.serial, tmp_path / "pledge.pdf")))
    assert "工资欠条或工资条" in text
    check = material_check.check_of(intakes.get_intake(notice.serial))
    assert check.still_missing == [] and [d.name for d in check.missing] == ["劳动合同或用工证明", "工资欠条或工资条"]
    assert [d.name for d in check.brought] == ["居民身份证", "劳动合同或用工证明", "工资欠条或工资条"]


def test_selftest_prints_a_sample_notice_and_pledge_on_a_site_without_them(site_db, tmp_path):
    from gridstation.reports import samples

    rendered = dict(samples.render_all(tmp_path))
    notice, pledge = flat(pdf_text(rendered["一次性告知单"])), flat(pdf_text(rendered["容缺受理承诺书"]))
    assert "一次性告知单" in notice and "样例" in notice and "劳动合同或用工证明" in notice
    assert "容缺受理承诺书" in pledge and "样例" in pledge and "工资欠条或工资条" in pledge


def test_selftest_prints_the_newest_real_notice(clerk, resident, tmp_path):
    from gridstation.reports import samples

    intake = material_check.create_checked_intake(clerk, wage(resident), ["居民身份证"], mode=NOTICE,
                                                deadline=clock.today())
    text = flat(pdf_text(dict(samples.render_all(tmp_path))["一次性告知单"]))
    assert intake.serial in text and "样例" not in text
