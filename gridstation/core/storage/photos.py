"""The photo store: every picture the station keeps (a tool kind's photo, an event's photos before and
after handling), in the database so it is in every backup and every window of a PostgreSQL station
shows it (a file in one PC's data folder was neither).

The rule: a photo chosen for a record (from a USB stick, the Downloads folder, a phone's folder) is
read before the record is saved and stored inside the save's transaction as a ``Photo`` row named by
the SHA-256 of its bytes; the record keeps only that digest. Naming by content means choosing the
same picture twice, or for two records, stores it once. Only JPG, PNG, GIF, BMP and WEBP files up to
5 MB are taken, recognised by their first bytes rather than by the file name.

The store sits in ``storage`` because the tool box and the events both keep pictures: owned by one of
them, it put the other above it for this alone.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from gridstation.core.rules.errors import DomainError
from gridstation.core.storage import models as m

MAX_BYTES = 5 * 1024 * 1024
DIGEST_RE = re.compile(r"[0-9a-f]{64}")
_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF87a", "image/gif"),
               (b"GIF89a", "image/gif"), (b"BM", "image/bmp"))


@dataclass(frozen=True)
class ChosenPhoto:
    """A chosen picture, read and checked before the save's transaction starts: a slow USB stick
    or a refused file never holds the station's write lock."""

    data: bytes
    mime: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def is_stored(photo: str) -> bool:
    """Whether ``photo`` names a stored picture (a record saved again keeps it) rather than a chosen file."""
    return DIGEST_RE.fullmatch(photo or "") is not None


def _image_type(head: bytes) -> str | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return next((mime for signature, mime in _SIGNATURES if head.startswith(signature)), None)


def read_photo(source: str | Path) -> ChosenPhoto:
    """The image at ``source``, checked to be a picture of an allowed type and size."""
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
    mime = _image_type(data[:16])
    if mime is None:
        raise DomainError("照片应为 JPG、PNG、GIF、BMP 或 WEBP 格式的图片文件。")
    return ChosenPhoto(data, mime)


def store_photo(photo: ChosenPhoto) -> str:
    """Store ``photo`` once and return the digest the record keeps; call inside the caller's write transaction.

    A picture already stored (by this window or another one at the same moment) is left as it is.
    """
    m.Photo.insert(digest=photo.digest, data=photo.data, mime=photo.mime).on_conflict_ignore().execute()
    return photo.digest


def require_stored(digest: str) -> None:
    """Refuse a record that names a picture the database does not hold (a hand-made import, a typo)."""
    if not m.Photo.select().where(m.Photo.digest == digest).exists():
        raise DomainError("所选照片已不在数据库中，请重新选择照片。")


def photo_bytes(photo: str) -> bytes | None:
    """The picture ``photo`` names (a digest a record keeps), for showing it; None when there is none."""
    if not is_stored(photo):
        return None
    row = m.Photo.get_or_none(m.Photo.digest == photo)
    return bytes(row.data) if row is not None else None  # PostgreSQL's driver returns a memoryview
