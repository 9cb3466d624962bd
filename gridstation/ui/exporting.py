"""Export what a list shows to Excel: ask where, write through the core export, say what happened."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QWidget

from gridstation.core.errors import DomainError
from gridstation.ui.context import AppContext


def export_list(parent: QWidget, ctx: AppContext, kind: str, source: Any, title: str,
                path: Path | None = None, *, full_id: bool = False) -> Path | None:
    """Write ``source`` (the list's filter or rows) as ``kind``; ``path`` skips the file dialog."""
    from gridstation.core.ledger_export import export_rows

    if path is None:
        suggested = str(Path.home() / f"{title}-{dt.date.today():%Y%m%d}.xlsx")
        chosen, _ = QFileDialog.getSaveFileName(parent, f"导出{title}", suggested, "Excel 文件 (*.xlsx)")
        if not chosen:
            return None
        path = Path(chosen if chosen.lower().endswith(".xlsx") else chosen + ".xlsx")
    try:
        count = export_rows(kind, source, path, full_id, actor=ctx.staff)
    except DomainError as exc:
        ctx.bus.status_message.emit(exc.message)
        return None
    ctx.bus.status_message.emit(f"已导出{title} {count} 条：{path}")
    return path
