"""一次性告知单, 容缺受理承诺书 and 人民调解协议书 printed again from the command line, as receipt and slip are:
a PDF whose text poppler reads, an audit entry like the GUI's, one Chinese line and no file on a refusal."""

from __future__ import annotations

from pathlib import Path

from gridstation.cli import main
from gridstation.core.events import mediation, rules
from gridstation.core.events.register import EventInput, PartyInput, register_event
from gridstation.core.intake import intakes, material_check, residents
from gridstation.core.intake.material_rules import DEFERRED, NOTICE
from gridstation.core.rules import clock
from gridstation.core.station import catalog
from gridstation.core.storage import models as m
from tests.conftest import pdf_text
from tests.helpers import make_id


def cli(db: Path, *args: str) -> int:
    return main(["--db", str(db), *args])


def test_notice_pledge_and_agreement_are_printed_again_and_audited(db_path, admin, tmp_path, capsys):
    zhang = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))
    data = intakes.IntakeInput(zhang.id, catalog.UNEMPLOYMENT, details={"docs_checked": True})
    notice = material_check.create_checked_intake(admin, data, ["居民身份证"], mode=NOTICE, deadline=clock.today())
    pledge = material_check.create_checked_intake(admin, data, ["居民身份证", "户口簿"], mode=DEFERRED,
                                                  deadline=clock.today())
    event = register_event(admin, EventInput("矛盾纠纷", rules.NORMAL, "楼上漏水", rules.RESIDENT_REPORT,
                                             reporter=PartyInput(resident_id=zhang.id)))
    mediation.add_party(admin, event.number, PartyInput(resident_id=zhang.id))
    mediation.add_party(admin, event.number, PartyInput(name="李四", phone="13900001111"))
    mediation.record_session(admin, event.number, "社区人民调解室", "王调解员", "双方到场")
    mediation.record_outcome(admin, event.number, rules.MEDIATION_SUCCESS, terms="李四修复防水层。")
    for command, key, expected in (("notice", notice.serial, ("一次性告知单", "户口簿")),
                                   ("pledge", pledge.serial.lower(), ("容缺受理承诺书", "解除或终止劳动合同证明")),
                                   ("agreement", event.number.lower(), ("人民调解协议书", "李四修复防水层"))):
        out = tmp_path / f"{command}.pdf"
        assert cli(db_path, command, key, "--out", str(out)) == 0, capsys.readouterr().err
        text = pdf_text(out)
        assert all(word in text for word in expected), (command, text[:200])
    actions = [a.action for a in m.AuditLog.select().where(m.AuditLog.action.startswith("打印"))]
    assert actions == ["打印一次性告知单", "打印容缺受理承诺书", "打印调解协议书"]


def test_a_reprint_of_the_wrong_record_is_one_chinese_line_and_no_file(db_path, admin, tmp_path, capsys):
    zhang = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))
    plain = intakes.create_intake(admin, intakes.IntakeInput(zhang.id, catalog.UNEMPLOYMENT,
                                                             details={"docs_checked": True}))
    for args, words in ((["notice", plain.serial], "不是一次性告知的记录"), (["pledge", "SL209901010001"], "找不到"),
                        (["agreement", "SJ209901010001"], "找不到")):
        assert cli(db_path, *args, "--out", str(tmp_path / "x.pdf")) == 2, args
        err = capsys.readouterr().err.strip()
        assert words in err and len(err.splitlines()) == 1, err
    assert list(tmp_path.glob("*.pdf")) == []
