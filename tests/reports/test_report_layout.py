"""The statistics PDFs end with figures, notes and signatures together, and every label reads whole."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import subprocess
from pathlib import Path

from reportlab.platypus import Paragraph

from gridstation.core.grids import register
from gridstation.core.grids.register import GridInput
from gridstation.core.intake import intakes, residents
from gridstation.reports import labels, loan_slip, receipt, samples, stats_pdf, styles
from gridstation.reports.annual import write_annual
from gridstation.reports.monthly import write_monthly
from tests.conftest import pdf_text
from tests.core.statistics.test_stats import FEB, known  # noqa: F401 - ``known`` is a fixture (it adds a fifth service)
from tests.helpers import make_id

HEADING = re.compile(r"^[一二三四五六七八九十]+、", re.M)


def pages(pdf: Path) -> list[str]:
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                            text=True, check=True).stdout).group(1))
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout for n in range(1, count + 1)]


def assert_closing_with_figures(pdf: Path) -> None:
    texts = pages(pdf)
    last = texts[-1]
    assert "统计口径说明" in last and "站长签字" in last
    figures = last.split("统计口径说明")[0]
    assert HEADING.search(figures) and "合计" in figures, f"last page holds no table:\n{last}"
    assert all("站长签字" not in text and "统计口径说明" not in text for text in texts[:-1])


def test_monthly_and_annual_keep_notes_and_signature_with_the_last_table(known, admin, tmp_path):
    """With a fifth service (矛盾纠纷调处 in ``known``); each grid adds a row to the last table,
    moving where the notes would start down the page, through the place where they used to split."""
    for number in range(16):
        register.add_grid(admin, GridInput(name=f"第{number + 3}网格"))  # the grid box chooses, never creates
        resident = residents.save_resident(admin, residents.ResidentInput(
            name=f"居民{number}", doc_number=make_id(seq=f"{300 + number}"), grid=f"第{number + 3}网格"))
        intakes.create_intake(admin, intakes.IntakeInput(resident.id, "dispute", "调处",
                                                         received_at=dt.datetime(2025, 2, 12, 9)))
        assert_closing_with_figures(write_monthly(FEB, tmp_path / f"m{number}.pdf"))
        assert_closing_with_figures(write_annual(2025, tmp_path / f"a{number}.pdf"))


def test_notes_are_at_least_8_pt():
    notes = [f for f in stats_pdf.closing_block(styles.styles(9.5), ["制表人："]) if isinstance(f, Paragraph)]
    numbered = [p for p in notes if re.match(r"\d+\. ", p.text)]
    assert numbered and all(p.style.fontSize >= 8 for p in numbered)


def test_headings_and_chart_labels_print_whole(known, tmp_path):
    first = pages(write_monthly(FEB, tmp_path / "m.pdf"))[0]
    assert "平均办理天数" in first  # one line, not 平均办理天 / 数
    assert "…" not in first, first  # the pie legend and the bar labels wrap instead of cutting names
    assert "补贴" in first.split("受理业务构成")[1]


def test_receipt_on_80mm_paper_keeps_the_promise_on_one_line(site_db, tmp_path):
    data = dataclasses.replace(samples.sample_receipt(), due_date=samples.sample_receipt().received_at.date()
                               + dt.timedelta(days=15))
    text = pdf_text(receipt.render_receipt(data, tmp_path / "roll.pdf", size="80mm"))
    assert re.search(r"承诺时限\s+15个自然日\n", text), text


def test_loan_slip_prints_a_long_tool_name_on_one_line(site_db, tmp_path):
    long_name = "水电维修多功能组合工具箱"
    data = dataclasses.replace(samples.sample_loan_slip(),
                               lines=[loan_slip.LoanLine(long_name, "GJ-0001", ["电笔", "钳子"])])
    text = pdf_text(loan_slip.render_loan_slip(data, tmp_path / "slip.pdf"))
    assert long_name in text, text


def test_small_labels_print_the_station_name_at_6_pt_or_more(tmp_path):
    out = labels.render_labels("新亚洲体育城社区为民服务站", [labels.LabelItem("通下水道工具", "GJ-0003")],
                               tmp_path / "labels.pdf", layout="4x10")
    bbox = subprocess.run(["pdftotext", "-bbox", str(out), "-"], capture_output=True, text=True, check=True).stdout
    words = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)<', bbox)
    station = [(float(y1) - float(y0), word) for y0, y1, word in words if word[0] in "新服"]
    assert "".join(w for _, w in station) == "新亚洲体育城社区为民服务站"  # whole, on up to two lines
    assert all(size >= 6 for size, _ in station), station


def test_a_rate_in_a_narrow_column_never_breaks_before_its_percent_sign():
    """The district PDF wrapped 「100.0」 over 「%」: numbers in tables break only at spaces."""
    st = styles.styles(9.5)
    cell = Paragraph("100.0%", st.cell_right)
    cell.wrap(st.cell_right.fontSize * 2, 100)  # narrower than the figure itself
    assert len(cell.blPara.lines) == 1
    words = Paragraph("上报街道平台", st.cell)
    words.wrap(st.cell.fontSize * 2, 100)
    assert len(words.blPara.lines) > 1  # text cells still wrap between characters
