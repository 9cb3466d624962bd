"""Export what a list shows to Excel: ask where, write through the core export, say what happened.

Writing a list of 100 000 residents or a year of intakes takes seconds to over a minute, so the
export runs off the GUI thread (``ui.background``) behind a progress dialog with 取消: the window
keeps painting, and the export is still one step for the page that asked (the path comes back
once the file is written).
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QWidget

from gridstation.core.rules import clock
from gridstation.ui.background import Cancelled, IsCancelled, Progress, run_and_wait
from gridstation.ui.context import AppContext


def export_list(parent: QWidget, ctx: AppContext, kind: str, source: Any, title: str,
                path: Path | None = None, *, full_id: bool = False) -> Path | None:
    """Write ``source`` (the list's filter or rows) as ``kind``; ``path`` skips the file dialog."""
    if path is None:
        suggested = str(Path.home() / f"{title}-{clock.today():%Y%m%d}.xlsx")
        chosen, _ = QFileDialog.getSaveFileName(parent, f"导出{title}", suggested, "Excel 文件 (*.xlsx)")
        if not chosen:
            return None
        path = Path(chosen if chosen.lower().endswith(".xlsx") else chosen + ".xlsx")
    out = path

    def work(progress: Progress, cancelled: IsCancelled) -> int:
        # late import: openpyxl takes a moment to load; the first export loads it here, off the GUI thread
        from gridstation.core.ledgers.ledger_export import export_rows

        hooks = {name: hook for name, hook in (("progress", progress), ("cancelled", cancelled))
                 if name in inspect.signature(export_rows).parameters}  # an exporter that takes them
        count = export_rows(kind, source, out, full_id, actor=ctx.staff, **hooks)
        if cancelled() and not out.exists():  # the export stopped on 取消 and left no file
            raise Cancelled
        return count

    ok, outcome = run_and_wait(parent, work, dialog=f"正在导出{title}……", cancellable=True)
    if not ok:
        ctx.bus.status_message.emit(outcome or f"已取消导出{title}，没有生成文件。")
        return None
    ctx.bus.status_message.emit(f"已导出{title} {outcome} 条：{path}")
    return path

