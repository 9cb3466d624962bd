"""受理回执: every built-in service on both papers, personal numbers masked, and the CLI's refusals."""

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gridstation.cli import main
from gridstation.core.intake import intakes, residents
from gridstation.core.rules import idcard
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.station import audit, catalog
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.core.storage.db import write_transaction
from gridstation.reports import fonts, styles
from gridstation.reports.receipt import render_receipt, write_receipt
from gridstation.reports.samples import sample_receipt
from tests.conftest import STATION, pages_and_size, pdf_text
from tests.helpers import make_id

ID_NUMBER = make_id("530111", "19720415", "622")
PHONE = "13987654321"

SERVICES = {
    catalog.UNEMPLOYMENT: ("新办", {"cert_no": "5301110012345", "docs_checked": True}),
    catalog.PENSION: ("生存认证", {"cert_year": 2025, "way": "手机APP协助", "pension_type": "企业职工基本养老保险"}),
    catalog.WAGE: ("欠薪投诉", {"employer": "昆明某某建筑劳务有限公司", "employer_uscc": "91110000600037341L",
                            "workers": 12, "amount_owed": "86500.50",
                            "period_owed": "2024年9月至12月"}),
    catalog.SUBSIDY_4050: ("申请", {"period": "2025年1月至2025年12月", "insurance_kinds": "养老和医疗保险"}),
}


@pytest.fixture
def resident(admin):
    return residents.save_resident(admin, residents.ResidentInput(
        name="欧阳秀英", doc_number=ID_NUMBER, phone=PHONE, is_pensioner=True))


def new_intake(admin, resident, code: str, documents: str = "身份证复印件1份") -> m.Intake:
    action, details = SERVICES[code]
    return intakes.create_intake(admin, intakes.IntakeInput(resident.id, code, action=action, details=details,
                                                            documents=documents))


@pytest.mark.parametrize("size", ["A5", "80mm"])
@pytest.mark.parametrize("code", list(SERVICES))
def test_receipt_shows_the_intake_with_personal_numbers_masked(admin, resident, tmp_path, code, size):
    intake = new_intake(admin, resident, code)
    out = write_receipt(intake.serial, tmp_path / "receipt.pdf", size=size)
    text = pdf_text(out)
    for expected in (intake.serial, STATION, "受理回执", intake.service.name, SERVICES[code][0],
                     idcard.mask_id(ID_NUMBER), idcard.mask_phone(PHONE), "欧阳秀英", "身份证复印件1份",
                     "管理员", "经办人签字", "居民签字", "昆明市官渡区广福路1号", "0871-67000000",
                     f"{intake.due_date.year}年{intake.due_date.month}月{intake.due_date.day}日",
                     settings.get("receipt_notice")):
        assert expected in text, expected
    for label, value in intakes.details_of(intake):
        assert label in text and value in text, (label, value)
    assert ID_NUMBER not in text
    assert ID_NUMBER[6:14] not in text  # not even the birth date part
    assert PHONE not in text
    pages, (width, _) = pages_and_size(out)
    assert pages == 1
    assert width == pytest.approx(80 / 25.4 * 72 if size == "80mm" else 419.53, abs=0.5)


def test_paper_follows_the_station_setting(admin, resident, tmp_path):
    intake = new_intake(admin, resident, catalog.UNEMPLOYMENT)
    with write_transaction():
        settings.put("receipt_size", "80mm")
    _, (width, _) = pages_and_size(write_receipt(intake.serial, tmp_path / "r.pdf"))
    assert width == pytest.approx(226.77, abs=0.5)
    _, (width, _) = pages_and_size(write_receipt(intake.serial, tmp_path / "r.pdf", size="a5"))
    assert width == pytest.approx(419.53, abs=0.5)


def test_long_values_wrap_onto_more_lines_and_pages_without_loss(admin, resident, tmp_path):
    documents = "".join(f"材料{i:03d}号复印件一份；" for i in range(70))
    intake = new_intake(admin, resident, catalog.WAGE, documents=documents)
    a5 = write_receipt(intake.serial, tmp_path / "a5.pdf", size="A5")
    roll = write_receipt(intake.serial, tmp_path / "roll.pdf", size="80mm")
    for path in (a5, roll):
        flat = "".join(pdf_text(path).split())
        for i in (0, 35, 69):
            assert f"材料{i:03d}号复印件一份" in flat
        assert "居民签字" in flat
        # Chinese typesetting: a line never opens with a comma or semicolon.
        assert not re.search(r"^\s*[，；：。]", pdf_text(path), re.M)
    assert pages_and_size(a5)[0] == 2  # the A5 receipt flows on; the roll grows instead
    assert pages_and_size(roll)[0] == 1
    assert "第2页／共2页" in pdf_text(a5)


def test_page_breaks_never_orphan_a_heading_or_split_a_signature(db_path, tmp_path):
    """Grow the materials line by line so every block in turn meets the bottom of the A5 page."""
    base = sample_receipt()
    details = [("用人单位", "昆明某某建筑劳务有限公司"), ("统一社会信用代码", "91530100MA6K000000"),
               ("涉及人数", "12"), ("欠薪金额", "¥86,500.50"), ("欠薪期间", "2024年9月至12月")]
    seen_two_pages = False
    for lines in range(0, 16):
        data = dataclasses.replace(base, details=details, documents="材料复印件一份，" * 4 * lines)
        path = render_receipt(data, tmp_path / f"r{lines}.pdf", size="A5")
        pages = pdf_text(path).split("\f")
        seen_two_pages |= len([p for p in pages if p.strip()]) > 1
        for page in pages:
            if "居民签字" in page:
                assert re.search(r"年\s+月\s+日", page.split("居民签字")[1]), lines
            if "温馨提示" in page:
                assert "请妥善保管本回执" in page, lines
    assert seen_two_pages


def test_markup_characters_in_values_print_as_typed(admin, tmp_path):
    person = residents.save_resident(admin, residents.ResidentInput(name="A&B <张>", doc_number=make_id(seq="135")))
    intake = intakes.create_intake(admin, intakes.IntakeInput(
        person.id, catalog.WAGE, details={"employer": "甲&乙<公司>", "workers": 1, "amount_owed": "1"}))
    text = pdf_text(write_receipt(intake.serial, tmp_path / "r.pdf"))
    assert "A&B <张>" in text and "甲&乙<公司>" in text


def test_unknown_serial_is_not_found_and_writes_nothing(db_path, tmp_path):
    with pytest.raises(NotFound, match="找不到受理编号"):
        write_receipt("SL209901010001", tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


def test_unknown_paper_is_refused(admin, resident, tmp_path):
    intake = new_intake(admin, resident, catalog.UNEMPLOYMENT)
    with pytest.raises(DomainError, match="A5 或 80mm"):
        write_receipt(intake.serial, tmp_path / "r.pdf", size="B5")


def test_sample_receipt_renders_without_a_database_row(db_path, tmp_path):
    for size in ("A5", "80mm"):
        text = pdf_text(render_receipt(sample_receipt(), tmp_path / f"s-{size}.pdf", size=size))
        assert "样例" in text and STATION in text
    assert m.Intake.select().count() == 0


def test_font_registration_is_once_per_process():
    assert fonts.register_fonts() == fonts.FONT
    assert fonts.register_fonts() == fonts.FONT
    assert styles.styles(10) is styles.styles(10)


def test_cli_receipt_writes_the_pdf_and_an_audit_entry(admin, resident, db_path, tmp_path, capsys):
    intake = new_intake(admin, resident, catalog.PENSION)
    out = tmp_path / "cli.pdf"
    assert main(["--db", str(db_path), "receipt", intake.serial.lower(), "--out", str(out), "--size", "80mm"]) == 0
    assert intake.serial in pdf_text(out)
    assert "已生成受理回执" in capsys.readouterr().out
    entry = m.AuditLog.select().order_by(m.AuditLog.id.desc()).first()
    assert (entry.action, entry.entity_id) == ("打印回执", intake.serial)
    assert audit.verify_chain() is None


def test_cli_receipt_unknown_serial_exits_2_in_chinese_and_writes_nothing(db_path, tmp_path):
    out = tmp_path / "missing.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "gridstation", "--db", str(db_path), "receipt", "SL209901010001", "--out", str(out)],
        capture_output=True, text=True, cwd=Path(__file__).parents[2],
    )
    assert result.returncode == 2
    assert "找不到受理编号" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert list(tmp_path.glob("*.pdf")) == []


def test_an_a5_receipt_with_a_long_employer_and_materials_keeps_its_signatures_with_the_content(db_path, tmp_path):
    """A 欠薪 receipt that just overflows A5 at the usual size: smaller type first, one page."""
    details = [("用人单位", "云南省昆明市官渡区某某建筑劳务分包有限责任公司第三项目部（广福路安置房二期工地）"),
               ("统一社会信用代码", "91530100MA6K000000"), ("涉及人数", "12"), ("欠薪金额", "¥86,500.50"),
               ("欠薪期间", "2024年9月至12月"), ("项目名称", "广福路安置房二期工程主体施工及附属配套")]
    documents = ("身份证复印件12份、劳动合同复印件12份、考勤记录表3份、工资欠条原件1份、"
                 "项目部盖章的欠薪确认单1份、现场照片打印件6张、微信聊天记录截图打印件4张、银行流水2份")
    data = dataclasses.replace(sample_receipt(), details=details, documents=documents)
    path = render_receipt(data, tmp_path / "r.pdf", size="A5")
    assert pages_and_size(path)[0] == 1
    flat = "".join(pdf_text(path).split())
    for expected in ("第三项目部", "银行流水2份", "温馨提示", "经办人签字", "居民签字"):
        assert expected in flat, expected
