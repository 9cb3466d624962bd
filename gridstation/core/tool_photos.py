"""Photos of tool kinds, kept in the site data folder so they outlive the file staff picked.

The rule: a photo chosen for a kind (from a USB stick, the Downloads folder, a phone's folder) is
copied to ``<data folder>/photos/tools/<first 16 hex of its SHA-256>.<type>`` and the kind keeps
only that relative name. Naming by content means choosing the same picture twice stores it once
and a copy never overwrites a different picture. Only JPG, PNG, GIF, BMP and WEBP files up to
5 MB are taken, recognised by their first bytes rather than by the file name.

The data folder belongs to one PC: on a PostgreSQL station the other PCs show no photo until
the file is copied there too (``photo_file`` returns None), which never blocks lending.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from pathlib import Path

from gridstation.core import paths
from gridstation.core.errors import DomainError

FOLDER = "photos/tools"
MAX_BYTES = 5 * 1024 * 1024
STORED_RE = re.compile(rf"{FOLDER}/[0-9a-f]{{16}}\.(?:png|jpg|gif|bmp|webp)")
_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"), (b"GIF87a", "gif"), (b"GIF89a", "gif"),
               (b"BM", "bmp"))


def is_stored(photo: str) -> bool:
    """Whether ``photo`` is already a name in the data folder (a kind saved again keeps it as is)."""
    return STORED_RE.fullmatch(photo or "") is not None


def _image_type(head: bytes) -> str | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return next((kind for signature, kind in _SIGNATURES if head.startswith(signature)), None)


def store_photo(source: str | Path) -> str:
    """Copy the image at ``source`` into the data folder; returns the name a kind stores."""
    path = Path(source)
    try:
        size = path.stat().st_size if path.is_file() else -1
    except (OSError, ValueError):  # a name with a NUL byte, too long, or on a drive that is gone
        size = -1
    if size < 0:
        raise DomainError(f"找不到照片文件“{source}”，请重新选择。")
    if size > MAX_BYTES:
        raise DomainError(f"照片文件过大（{size / 1024 / 1024:.1f} MB），最大 5 MB，请先缩小后再选择。")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DomainError(f"无法读取照片文件“{source}”：{exc.strerror or exc}。") from exc
    kind = _image_type(data[:16])
    if kind is None:
        raise DomainError("照片应为 JPG、PNG、GIF、BMP 或 WEBP 格式的图片文件。")
    name = f"{FOLDER}/{hashlib.sha256(data).hexdigest()[:16]}.{kind}"
    target = paths.data_dir() / name
    if not target.is_file():
        temp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temp.write_bytes(data)
            os.replace(temp, target)
        except OSError as exc:
            temp.unlink(missing_ok=True)
            raise DomainError(f"无法把照片保存到数据文件夹 {target.parent}：{exc.strerror or exc}。") from exc
    return name


def photo_file(photo: str) -> Path | None:
    """The photo's file on this PC, or None when the kind has none or this PC lacks the file."""
    if not is_stored(photo):
        return None
    path = paths.data_dir() / photo
    return path if path.is_file() else None
