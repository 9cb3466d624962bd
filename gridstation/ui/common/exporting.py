"""Export what a list shows to Excel: ask where, write through the core export, say what happened.

Writing a list of 100 000 residents or a year of intakes takes seconds to over a minute of pure
Python, so the export runs through the background helper (``ui.background``) behind a progress
dialog with 取消, and its worker hands the writing to a child process (``core.storage.child_work``:
a thread writing for a minute would hold the interpreter lock the window needs to paint). The
export is still one step for the page that asked: the path comes back once the file is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import peewee
from PySide6.QtWidgets import QFileDialog, QWidget

from gridstation.core.rules import clock
from gridstation.core.storage.child_work import run_in_child
from gridstation.ui.common.background import Cancelled, IsCancelled, Progress, run_and_wait
from gridstation.ui.common.context import AppContext


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
        # A live query cannot cross to the child: its records can (a list on screen is short).
        rows = list(source) if isinstance(source, peewee.Query) else source
        count = run_in_child("gridstation.core.ledgers.ledger_export:export_rows", kind, rows, out, full_id, actor=ctx.staff,
                             progress=progress, cancelled=cancelled)
        if cancelled() and not out.exists():  # the export stopped on 取消 and left no file
            raise Cancelled
        return count

    ok, outcome = run_and_wait(parent, work, dialog=f"正在导出{title}……", cancellable=True)
    if not ok:
        ctx.bus.status_message.emit(outcome or f"已取消导出{title}，没有生成文件。")
        return None
    ctx.bus.status_message.emit(f"已导出{title} {outcome} 条：{path}")
    return path

