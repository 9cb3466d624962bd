"""import_residents_100k_s: importing a 100 000-row residents ledger (.xlsx) into a new station database,
beside the time python-calamine (the reader the import uses) alone takes to read the same file;
openpyxl_read_only_100k_s: openpyxl's read-only mode on the same file, beside python-calamine, for
the reader the import used before; import_intakes_6000_s: a station's own 6 000-row intake ledger (its
export, full ID numbers) into a new station, beside calamine's read of that file. Every intake row goes
through the counter's own checks (service fields, the resident registered from the row, the serial
kept), about 10 ms a row against the residents' 0.1 ms, so it is measured on its own.

A station's first import is into an empty database, so the figure is measured on a fresh one
(the cached demo database already holds 100 000 residents). The file is generated with valid,
distinct ID numbers and realistic columns; the import is the real one (``run_import``: every row
through ``residents.clean_input``, pinyin keys, one transaction, the audit entry).
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from common import Context, Figure, opened
from stdnum.cn import ric

HEADERS = ["姓名", "身份证号", "性别", "出生日期", "联系电话", "小区", "楼栋", "单元", "室", "网格", "备注"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国玉兰志红海燕"
COMPOUNDS = ("星天地", "广福苑", "金色家园", "滇池花园", "书香门第")


def write_ledger(path: Path, rows: int, seed: int = 7) -> Path:
    """A residents ledger of ``rows`` valid residents with distinct ID numbers."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("居民台账")
    sheet.append(HEADERS)
    for i in range(rows):
        day = 1 + i % 28
        month = 1 + (i // 28) % 12
        year = 1940 + (i // 336) % 60
        body = f"530111{year:04d}{month:02d}{day:02d}{(i // 20160) % 1000:03d}"
        number = body + ric.calc_check_digit(body + "0")
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        sheet.append([name, number, "", f"{year}-{month:02d}-{day:02d}", f"13{rng.randrange(10**9):09d}",
                      rng.choice(COMPOUNDS), str(rng.randint(1, 30)), str(rng.randint(1, 4)),
                      f"{rng.randint(1, 30)}0{rng.randint(1, 4)}", f"第{rng.randint(1, 9)}网格", ""])
    workbook.save(path)
    return path


def read_only_pass(path: Path) -> float:
    """Seconds openpyxl needs to iterate every row's values in read-only mode: the floor for any import."""
    from openpyxl import load_workbook

    start = time.perf_counter()
    workbook = load_workbook(path, read_only=True, data_only=True)
    for _row in workbook.worksheets[0].iter_rows(values_only=True):
        pass
    workbook.close()
    return time.perf_counter() - start


def calamine_pass(path: Path) -> float:
    """Seconds python-calamine needs to read every row's values: the floor for any import now."""
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    workbook = CalamineWorkbook.from_path(str(path))
    workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    workbook.close()
    return time.perf_counter() - start


INTAKE_ROWS = 6_000  # the intake ledger of the issue: a station's years of paper


def into_new_station(ctx: Context, ledger: Path, kind: str, rows: int) -> float:
    """Seconds ``run_import`` takes to bring ``ledger`` into a new, empty station; every row must be written."""
    from gridstation.core.ledgers import column_choices, ledger_import
    from gridstation.core.station import station
    from gridstation.core.storage import db as dbmod

    target = ctx.work_dir / f"ledger-import-{kind}.db"
    target.unlink(missing_ok=True)
    station.open_site(str(target))
    try:
        station.init_station("基准测试服务站", "admin", "bench1234")
        start = time.perf_counter()
        report = ledger_import.run_import(column_choices.open_ledger(ledger, kind), None)
        took = time.perf_counter() - start
        if not report.written or report.created != rows:
            raise RuntimeError(f"import did not write every row: {report.summary()} {report.problems[:3]}")
    finally:
        dbmod.close_database()
    return took


def intake_figure(ctx: Context) -> Figure:
    """An intake ledger as the station exports it (the first intakes of the cached database) into a new one."""
    from gridstation.core.ledgers import ledger_export
    from gridstation.core.storage import models

    rows = min(INTAKE_ROWS, ctx.scale.intakes)
    ledger = ctx.work_dir / f"intakes-{rows}.xlsx"
    with opened(ctx.copy_db("ledger-intakes-source.db")):
        picked = list(models.Intake.select(models.Intake.id).order_by(models.Intake.id).limit(rows))
        ledger_export.export_rows("intakes", picked, ledger, True, actor=None)
    calamine_pass(ledger)  # the file in the page cache
    calamine_s = calamine_pass(ledger)
    import_s = into_new_station(ctx, ledger, "intakes", rows)
    return Figure(f"import_intakes_{rows}_s", import_s, "s", f"calamine_read_intakes_{rows}_s", calamine_s)


def run(ctx: Context) -> list[Figure]:

    rows = ctx.scale.residents
    size = f"{rows // 1000}k" if rows % 1000 == 0 else str(rows)
    ledger = write_ledger(ctx.work_dir / f"residents-{size}.xlsx", rows)
    read_only_pass(ledger)  # the file in the page cache for both measurements alike
    read_s = read_only_pass(ledger)
    calamine_s = calamine_pass(ledger)

    import_s = into_new_station(ctx, ledger, "residents", rows)
    return [Figure(f"import_residents_{size}_s", import_s, "s", f"calamine_read_{size}_s", calamine_s),
            Figure(f"openpyxl_read_only_{size}_s", read_s, "s", f"calamine_read_{size}_s", calamine_s),
            intake_figure(ctx)]
