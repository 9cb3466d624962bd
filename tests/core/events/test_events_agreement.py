"""人民调解协议书: only for a successful mediation; its text read back with pdftotext."""

from __future__ import annotations

import pytest

from gridstation.core.events import agreement, mediation, rules
from gridstation.core.events.register import EventInput, PartyInput, register_event
from gridstation.core.intake import residents
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import printouts
from gridstation.core.storage import models as m
from gridstation.reports.mediation_agreement import write_agreement
from tests.conftest import pdf_text
from tests.helpers import make_id

ID = make_id("530111", "19700101", "123")


def test_agreement_prints_parties_masked_facts_and_terms(clerk, admin, tmp_path):
    zhang = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=ID, phone="13812345678",
                                                                   compound="星体花园", building="3", room="501"))
    event = register_event(clerk, EventInput("矛盾纠纷", rules.NORMAL, "楼上卫生间漏水，楼下天花板受损", rules.RESIDENT_REPORT,
                                             reporter=PartyInput(resident_id=zhang.id)))
    with pytest.raises(DomainError, match="没有调解成功"):
        agreement.agreement_data(event.number)
    mediation.add_party(clerk, event.number, PartyInput(resident_id=zhang.id))
    mediation.add_party(clerk, event.number, PartyInput(name="李四", phone="13900001111", address="星体花园3栋601"))
    mediation.record_session(clerk, event.number, "社区人民调解室", "王调解员", "双方到场陈述")
    mediation.record_outcome(clerk, event.number, rules.MEDIATION_SUCCESS,
                             terms="一、李四于2026年12月10日前修复卫生间防水层；二、李四赔偿张三修复费用800元。")
    out = write_agreement(agreement.agreement_data(event.number), tmp_path / "协议书.pdf")
    text = pdf_text(out)
    for expected in ("人民调解协议书", "新亚洲体育城社区为民服务站", event.number, "张三", "李四",
                     "530111********1234"[:6], "138****5678", "139****1111", "星体花园3栋501室",
                     "楼上卫生间漏水", "李四于2026年12月10日前修复卫生间防水层", "赔偿张三修复费用800元",
                     "社区人民调解室", "王调解员", "一式3份", "当事人（张三）", "人民调解委员会（印章）"):
        assert expected in text, expected
    assert ID not in text and "13812345678" not in text
    assert ID[:6] + "********" + ID[-4:] in text
    printouts.record(clerk, printouts.AGREEMENT, event.number, printed=True)
    assert m.AuditLog.select().where(m.AuditLog.action == "打印调解协议书").count() == 1


def test_selftest_prints_a_sample_agreement_on_a_site_without_one(site_db, tmp_path):
    from gridstation.reports import samples

    text = pdf_text(dict(samples.render_all(tmp_path))["人民调解协议书"])
    assert "人民调解协议书" in text and "样例" in text and "138****5678" in text and "13812345678" not in text
