"""``gridstation selftest``: the database is sound, long work can start its child process, every
document renders, and every page and dialog opens (offscreen, ``ui/window/window_check.py``)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from gridstation.core.station.backup import integrity_problems
from gridstation.core.storage import models as m
from gridstation.core.storage.child_work import run_in_child


def residents_seen(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> int:
    """Run in a child process: exports start one, and in the bundle only this proves they can."""
    return m.Resident.select().count()


def run_selftest(report: Callable[[str], None] = print) -> list[str]:
    # late import (start-up time): ReportLab loads only when the self-test runs
    from gridstation.reports.samples import render_all

    problems = integrity_problems()
    report("数据库检查：" + ("通过" if not problems else "失败"))
    try:
        seen = run_in_child(residents_seen, progress=lambda _done, _total: None, cancelled=lambda: False)
        if seen != m.Resident.select().count():
            problems.append("后台进程读到的数据与本进程不一致")
        report("后台进程：通过")
    except Exception as exc:  # noqa: BLE001 - selftest reports any failure as a line
        problems.append(f"后台进程无法启动：{type(exc).__name__}: {exc}")
    with tempfile.TemporaryDirectory(prefix="gridstation-selftest-") as folder:
        documents: list[Path] = []
        try:
            for name, path in render_all(Path(folder)):
                size = path.stat().st_size if path.exists() else 0
                if size < 500:
                    problems.append(f"文档“{name}”生成失败（文件为空）")
                else:
                    documents.append(path)
                    report(f"文档“{name}”：{size // 1024} KB")
        except Exception as exc:  # noqa: BLE001 - selftest reports any failure as a line
            problems.append(f"生成文档时出错：{type(exc).__name__}: {exc}")
        problems += _windows(documents[0] if documents else Path(folder) / "none.pdf", report)
    return problems


def _windows(pdf: Path, report: Callable[[str], None]) -> list[str]:
    """Every page and dialog opened once; a screen module the bundle cannot import is a problem line."""
    try:
        # late import (start-up time): Qt and the screens load only when the self-test runs
        from gridstation.ui.window.window_check import open_every_window
    except Exception as exc:  # noqa: BLE001 - selftest reports any failure as a line
        return [f"界面无法加载：{type(exc).__name__}: {exc}"]
    return open_every_window(pdf, report)
