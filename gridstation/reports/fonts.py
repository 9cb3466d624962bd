"""The bundled CJK font, registered once per process, and the Chinese line-breaking rule."""

from __future__ import annotations

import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from gridstation.core.rules.errors import DomainError
from gridstation.core.storage.paths import resource

FONT = "WenQuanYiMicroHei"
_lock = threading.Lock()
_registered = False


def register_fonts() -> str:
    """Register the bundled font once per process and return its name.

    Parsing the 5 MB collection takes about 100 ms, so later calls return at once; the lock keeps
    a document rendered on a worker thread from registering it a second time.
    """
    global _registered
    if _registered:
        return FONT
    with _lock:
        if not _registered:
            path = resource("fonts", "wqy-microhei.ttc")
            if not path.is_file():
                raise DomainError(f"缺少打印字体文件：{path}。请重新安装网格服务站。")
            pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
            _forbid_line_start_punctuation()
            # Only one face is bundled: <b> and <i> in a paragraph fall back to it instead of failing.
            pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)
            _registered = True
    return FONT


def _forbid_line_start_punctuation() -> None:
    """Keep ，；：！？ and closing quotes off the start of a line (Chinese typesetting rule).

    ReportLab's CJK line breakers list only Japanese and ASCII punctuation; a Chinese comma
    opening a line looks like a misprint on an official slip. Both breakers (one-style and
    mixed-style paragraphs) read a module-level string at each break, so extending it once is enough.
    """
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    extra = "，；：！？％…’”》〉"
    for module in (textsplit, paragraph):
        module.ALL_CANNOT_START += "".join(c for c in extra if c not in module.ALL_CANNOT_START)
