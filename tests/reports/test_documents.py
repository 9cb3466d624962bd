"""借用单, 资产标签 and the selftest sample set; tool rows are made directly with the models."""

import dataclasses
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from gridstation.cli import main
from gridstation.core.intake import residents
from gridstation.core.rules import idcard
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.storage import models as m
from gridstation.core.toolbox import tool_stocktake as stock
from gridstation.reports import labels, loan_slip, samples
from gridstation.reports.loan_slip import write_loan_slip
from gridstation.reports.stocktake import write_stocktake
from tests.conftest import STATION, pdf_text
from tests.helpers import make_id

ID_NUMBER = make_id("530102", "19580101", "013")
PHONE = "13700001234"


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split(":")[1] for line in info.splitlines() if line.startswith("Pages:")))


def add_kind(name: str, count: int, *, start: int = 1, safety: str = "", state: str = "在库") -> list[m.ToolUnit]:
    kind = m.ToolKind.create(name=name, safety_note=safety, deposit_fen=5000, parts=json.dumps(["说明书"]))
    return [m.ToolUnit.create(asset_code=f"GJ-{n:04d}", kind=kind, state=state) for n in range(start, start + count)]


@pytest.fixture
def loan(admin):
    borrower = residents.save_resident(admin, residents.ResidentInput(name="李建国", doc_number=ID_NUMBER, phone=PHONE))
    ladder = add_kind("人字梯", 1, safety="登高作业须有人扶梯，不站在最上两级。")[0]
    drill = add_kind("冲击电钻", 1, start=2, safety="使用时佩戴护目镜，更换钻头前先断电。")[0]
    loan = m.Loan.create(slip_no="JY202501030001", resident=borrower, staff=admin,
                         lent_at=dt.datetime(2025, 1, 3, 9, 30), due_date=dt.date(2025, 1, 10),
                         deposit_fen=15050, notes="居民自带电池。")
    m.LoanItem.create(loan=loan, unit=ladder, parts_out="[]")
    m.LoanItem.create(loan=loan, unit=drill, parts_out=json.dumps(["钻头6支", "充电器"], ensure_ascii=False))
    return loan


def test_loan_slip_lists_tools_parts_deposit_and_safety_with_numbers_masked(loan, tmp_path):
    text = pdf_text(write_loan_slip("jy202501030001", tmp_path / "slip.pdf"))
    for expected in ("JY202501030001", STATION, "借用单", "李建国", idcard.mask_id(ID_NUMBER),
                     idcard.mask_phone(PHONE), "人字梯", "GJ-0001", "冲击电钻", "GJ-0002", "钻头6支、充电器",
                     "2025年1月3日 09:30", "2025年1月10日", "¥150.50", "登高作业须有人扶梯",
                     "使用时佩戴护目镜", "居民自带电池", "经办人签字", "借用人签字", "管理员"):
        assert expected in text, expected
    assert ID_NUMBER not in text and PHONE not in text
    assert page_count(tmp_path / "slip.pdf") == 1


def test_unknown_slip_is_not_found(db_path, tmp_path):
    with pytest.raises(NotFound, match="找不到借用单"):
        write_loan_slip("JY209901010001", tmp_path / "slip.pdf")
    assert not (tmp_path / "slip.pdf").exists()


@pytest.mark.parametrize(("layout", "per_page"), [("3x8", 24), ("4x10", 40)])
def test_labels_carry_every_asset_code_and_fill_pages_by_layout(db_path, tmp_path, layout, per_page):
    units = add_kind("人字梯", 30) + add_kind("通下水道工具", 20, start=31)
    out = labels.write_labels(tmp_path / "labels.pdf", layout=layout)
    text = pdf_text(out)
    for unit in units:
        assert unit.asset_code in text
    # Each label's lines in drawing order: a station name wrapped onto two lines (4x10) reads whole.
    raw = subprocess.run(["pdftotext", "-raw", str(out), "-"], check=True, capture_output=True, text=True).stdout
    assert raw.replace("\n", "").count(STATION) == 50 and "通下水道工具" in text
    assert page_count(out) == -(-50 // per_page)  # 3 pages of 3x8, 2 of 4x10


def test_labels_follow_the_setting_and_one_kind_can_be_chosen(db_path, tmp_path):
    from gridstation.core.storage import settings
    from gridstation.core.storage.db import write_transaction

    add_kind("人字梯", 25)
    add_kind("电钻", 3, start=26)
    with write_transaction():
        settings.put("label_layout", "4x10")
    assert page_count(labels.write_labels(tmp_path / "all.pdf")) == 1
    text = pdf_text(labels.write_labels(tmp_path / "drills.pdf", kind="电钻", layout="3x8"))
    assert "GJ-0026" in text and "GJ-0028" in text and "GJ-0001" not in text


def test_labels_skip_lost_and_scrapped_units(db_path, tmp_path):
    add_kind("人字梯", 2)
    add_kind("旧电钻", 1, start=3, state="报废")
    text = pdf_text(labels.write_labels(tmp_path / "l.pdf"))
    assert "GJ-0001" in text and "GJ-0003" not in text
    with pytest.raises(DomainError, match="没有可贴标签的工具"):
        labels.write_labels(tmp_path / "l.pdf", kind="旧电钻")


def test_labels_refuse_unknown_kind_empty_toolbox_and_bad_layout(db_path, tmp_path):
    with pytest.raises(DomainError, match="工具箱中没有可贴标签的工具"):
        labels.write_labels(tmp_path / "l.pdf")
    add_kind("人字梯", 1)
    with pytest.raises(NotFound, match="没有名为“扳手”的工具种类"):
        labels.write_labels(tmp_path / "l.pdf", kind="扳手")
    with pytest.raises(DomainError, match="3x8"):
        labels.write_labels(tmp_path / "l.pdf", layout="5x5")
    assert not (tmp_path / "l.pdf").exists()


def test_long_asset_code_and_kind_name_stay_whole_on_a_small_label(db_path, tmp_path):
    kind = m.ToolKind.create(name="通下水道工具（手摇式疏通器，含5米弹簧软轴）")
    code = "GJ-2025-SHEQU-LADDER-000005-XYZW"  # 32 characters, the column's limit
    m.ToolUnit.create(asset_code=code, kind=kind, state="在库")
    flat = "".join(pdf_text(labels.write_labels(tmp_path / "l.pdf", layout="4x10")).split())
    assert code in flat and "…" not in flat.split("GJ-")[1]


def test_stocktake_result_lists_every_discrepancy_with_its_kind_and_signature_lines(admin, tmp_path):
    add_kind("人字梯", 2)  # GJ-0001, GJ-0002
    add_kind("冲击电钻", 1, start=3, state="借出")
    add_kind("通下水道工具", 1, start=4, state="遗失")
    result = stock.stock_take(admin, ["GJ-0001", "GJ-0003", "GJ-0004", "GJ-0099", "XQ-2023-001"])
    text = pdf_text(write_stocktake(result.id, tmp_path / "st.pdf"))
    flat = "".join(text.split())
    for expected in (STATION, "工具盘点结果", f"盘点编号{result.id}", "管理员", "扫描件数5件", "在架相符1件",
                     "有差异5项", "应在架但未扫到（1）", "1GJ-0002人字梯应在架", "扫到但记录为借出（1）",
                     "1GJ-0003冲击电钻借出", "1GJ-0004通下水道工具遗失", "未登记的编号（1）", "GJ-0099—未登记",
                     "非本站编号格式（1）", "XQ-2023-001—非本站编号", "盘点人：", "复核人："):
        assert expected in flat, expected
    assert page_count(tmp_path / "st.pdf") == 1


def test_clean_stocktake_says_so_and_an_unknown_number_is_not_found(admin, tmp_path):
    add_kind("人字梯", 1)
    result = stock.stock_take(admin, ["GJ-0001"])
    flat = "".join(pdf_text(write_stocktake(result.id, tmp_path / "st.pdf")).split())
    assert "账实相符" in flat and "应在架但未扫到（0）无" in flat
    with pytest.raises(NotFound, match="盘点记录"):
        write_stocktake(result.id + 1, tmp_path / "none.pdf")
    assert not (tmp_path / "none.pdf").exists()


def test_samples_render_every_document_on_an_empty_site_without_writing(db_path, tmp_path):
    before = {model.__name__: model.select().count() for model in m.ALL_MODELS}
    rendered = samples.render_all(tmp_path)
    assert [name for name, _ in rendered] == [name for name, _, _ in samples.DOCUMENTS]
    for name, path in rendered:
        assert path.stat().st_size > 500, name
        assert STATION in pdf_text(path), name
    assert {model.__name__: model.select().count() for model in m.ALL_MODELS} == before


def test_samples_use_the_newest_rows_when_there_are_some(loan, tmp_path):
    rendered = dict(samples.render_all(tmp_path))
    assert "JY202501030001" in pdf_text(rendered["借用单"])
    assert "GJ-0002" in pdf_text(rendered["资产标签"])
    assert "样例" not in pdf_text(rendered["借用单"])


def test_samples_print_the_newest_stocktake(admin, tmp_path):
    add_kind("人字梯", 2)
    stock.stock_take(admin, ["GJ-0001"])
    newest = stock.stock_take(admin, ["GJ-0002", "XQ-2023-001"])
    flat = "".join(pdf_text(dict(samples.render_all(tmp_path))["盘点结果"]).split())
    assert f"盘点编号{newest.id}" in flat and "XQ-2023-001" in flat and "样例" not in flat


def test_cli_slip_and_labels_write_pdfs_and_audit_entries(loan, db_path, tmp_path, capsys):
    slip, sheet = tmp_path / "slip.pdf", tmp_path / "labels.pdf"
    assert main(["--db", str(db_path), "slip", "JY202501030001", "--out", str(slip)]) == 0
    assert main(["--db", str(db_path), "labels", "--out", str(sheet), "--kind", "人字梯", "--layout", "4x10"]) == 0
    assert "JY202501030001" in pdf_text(slip)
    assert "GJ-0001" in pdf_text(sheet)
    actions = [(e.action, e.entity_id) for e in m.AuditLog.select().order_by(m.AuditLog.id)][-2:]
    assert actions == [("打印借用单", "JY202501030001"), ("打印资产标签", "人字梯")]
    assert "已生成借用单" in capsys.readouterr().out


def test_cli_refusals_exit_2_with_a_chinese_line_and_no_file(db_path, tmp_path):
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "gridstation", "--db", str(db_path), *args],
                              capture_output=True, text=True, cwd=Path(__file__).parents[2])

    out = tmp_path / "x.pdf"
    for args, message in ((["slip", "JY209901010001"], "找不到借用单"),
                          (["labels", "--kind", "扳手"], "没有名为“扳手”的工具种类"),
                          (["labels"], "没有可贴标签的工具")):
        result = run(*args, "--out", str(out))
        assert result.returncode == 2, args
        assert message in result.stderr and "Traceback" not in result.stderr
        assert not out.exists()
    assert m.AuditLog.select().where(m.AuditLog.action.startswith("打印")).count() == 0


def test_unwritable_output_is_a_chinese_message_and_leaves_no_temporary_file(db_path, tmp_path):
    add_kind("人字梯", 1)
    with pytest.raises(DomainError, match="文件夹 .* 不存在"):
        labels.write_labels(tmp_path / "missing" / "l.pdf")
    (tmp_path / "folder.pdf").mkdir()
    with pytest.raises(DomainError, match="无法写入文件"):
        labels.write_labels(tmp_path / "folder.pdf")
    assert not [p.name for p in tmp_path.iterdir() if p.suffix in (".tmp", ".pdf") and p.is_file()]


def test_an_a5_slip_with_three_tools_keeps_its_signatures_with_the_tools(db_path, tmp_path):
    """Three tools with parts and safety notes: the slip shrinks to one page rather than leave the
    signature lines alone on a second."""
    base = samples.sample_loan_slip()
    lines = [loan_slip.LoanLine("人字梯", "GJ-0001", ["防滑垫"]),
             loan_slip.LoanLine("冲击电钻", "GJ-0002", ["钻头6支", "充电器", "电池2块", "说明书"]),
             loan_slip.LoanLine("通下水道工具箱", "GJ-0003", ["疏通器", "手套", "说明书"])]
    notes = [("人字梯", "使用前确认撑杆锁定，登高须有人扶梯，不站在最上两级。"),
             ("冲击电钻", "使用时佩戴护目镜，更换钻头前先断电，钻墙前确认没有暗线暗管。"),
             ("通下水道工具箱", "用后清洗晾干再归还；化学疏通剂不得与工具混放。")]
    data = dataclasses.replace(base, lines=lines, safety_notes=notes, notes="居民自带电池，已当面试机。")
    path = loan_slip.render_loan_slip(data, tmp_path / "slip.pdf")
    assert page_count(path) == 1
    flat = "".join(pdf_text(path).split())
    for expected in ("通下水道工具箱", "GJ-0003", "化学疏通剂", "借用人确认", "借用人签字"):
        assert expected in flat, expected
