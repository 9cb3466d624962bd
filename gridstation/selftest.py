"""``gridstation selftest``: the database is sound and every document renders."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from gridstation.core.station.backup import integrity_problems


def run_selftest(report: Callable[[str], None] = print) -> list[str]:
    # late import (start-up time): ReportLab loads only when the self-test runs
    from gridstation.reports.samples import render_all

    problems = integrity_problems()
    report("数据库检查：" + ("通过" if not problems else "失败"))
    with tempfile.TemporaryDirectory(prefix="gridstation-selftest-") as folder:
        try:
            for name, path in render_all(Path(folder)):
                size = path.stat().st_size if path.exists() else 0
                if size < 500:
                    problems.append(f"文档“{name}”生成失败（文件为空）")
                else:
                    report(f"文档“{name}”：{size // 1024} KB")
        except Exception as exc:  # noqa: BLE001 - selftest reports any failure as a line
            problems.append(f"生成文档时出错：{type(exc).__name__}: {exc}")
    return problems
