"""Previews and prints of the station's documents, recorded in the audit log as what they are.

Making a document and showing it on screen is a 预览: nothing has left the station. Only when the
print dialog was accepted and the pages went to the printer is it a 打印, recorded then, with the
time it happened (the preview records it afterwards). The command line writes the document to a
PDF file, which is the printable document itself, so it records a 打印 naming the file. Every
document, in the GUI and at the command line, is recorded through ``record`` here.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridstation.core.station import audit
from gridstation.core.station.roles import CLERK, require
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction


@dataclass(frozen=True)
class Document:
    name: str  # as the audit log names it: 打印<name>, 预览<name>
    entity: str  # the audit entry's entity; its id is the serial, slip number, kind, event or report


RECEIPT = Document("回执", "intake")
SLIP = Document("借用单", "loan")
LABELS = Document("资产标签", "tool_kind")
NOTICE = Document("一次性告知单", "intake")
PLEDGE = Document("容缺受理承诺书", "intake")
AGREEMENT = Document("调解协议书", "grid_event")
STOCKTAKE = Document("盘点结果", "stock_take")
REPORT = Document("统计报表", "report")
GRID_BOARD = Document("网格员公示牌", "grid")  # its id: the grid's code and the place
GRID_TABLE = Document("网格责任分布表", "grid")
DIARY_MONTH = Document("民情日志", "diary_entry")  # its id: the month and whose (2026-11 张建国)
DOCUMENTS = (RECEIPT, SLIP, LABELS, NOTICE, PLEDGE, AGREEMENT, STOCKTAKE, REPORT, GRID_BOARD, GRID_TABLE,
             DIARY_MONTH)
PREVIEWED, PRINTED = "预览", "打印"
ALL_LABELS = "全部"  # the labels of every kind

# Every action this module records: looks and prints, not changes (core/station/changes.py).
ACTIONS = frozenset(f"{verb}{doc.name}" for verb in (PREVIEWED, PRINTED) for doc in DOCUMENTS)


def record(actor: m.Staff | None, document: Document, ref: str, *, printed: bool,
           detail: dict | None = None) -> None:
    """One audit entry, stamped now: ``ref`` (serial, slip number, tool kind …) was previewed or printed.

    Called when it happens (a print once the pages have gone), so the entry's time is the print's.
    """
    require(actor, CLERK)
    with write_transaction():
        audit.record(actor, f"{PRINTED if printed else PREVIEWED}{document.name}", document.entity, ref,
                     after=detail)
