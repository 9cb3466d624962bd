"""Money as integer fen: parsing what people type (¥1,234.50) and printing it back."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from gridstation.core.rules.errors import DomainError

MAX_FEN = 10**12  # ¥100 亿: anything larger is a typing error at a community counter


def parse_money(text: object, label: str = "金额") -> int:
    """Fen from '1234.5', '¥1,234.50', 1234.5; refuses negatives and more than two decimals."""
    if isinstance(text, int) and not isinstance(text, bool):
        raw = str(text)
    elif isinstance(text, (float, Decimal)):
        raw = format(Decimal(str(text)), "f")
    else:
        raw = re.sub(r"[¥￥,，\s元]", "", str(text or ""))
    if not raw:
        raise DomainError(f"请输入{label}。")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise DomainError(f"{label}“{text}”不是有效的数字。") from None
    if not value.is_finite():
        raise DomainError(f"{label}“{text}”不是有效的数字。")
    if value < 0:
        raise DomainError(f"{label}不能为负数。")
    # Size first: quantizing a number of more than 28 digits raises InvalidOperation.
    if value * 100 > MAX_FEN:
        raise DomainError(f"{label}过大，请核对。")
    if value != value.quantize(Decimal("0.01")):
        raise DomainError(f"{label}最多保留两位小数（到分）。")
    fen = int(value * 100)
    return fen


def yuan(fen: int) -> str:
    """'1,234.50' for tables and documents."""
    return f"{Decimal(fen) / 100:,.2f}"
