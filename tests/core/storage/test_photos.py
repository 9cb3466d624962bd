"""The photo store (core/storage/photos.py) is one store for every record that keeps a picture: a tool kind's
photo and an event's photos are the same rows, read back the same way."""

from __future__ import annotations

import hashlib

import pytest

from gridstation.core.events import rules
from gridstation.core.events.register import EventInput, add_photo, photos_of, register_event
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.core.storage import photos
from gridstation.core.toolbox import tool_units

pytestmark = pytest.mark.both_backends

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(48))
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(48))


def test_a_tool_kind_and_an_event_share_one_store(admin, clerk, tmp_path):
    """The same picture chosen for a kind and taken of an event is stored once; each record keeps its digest
    and reads the picture back through the store."""
    picture = tmp_path / "梯子.png"
    picture.write_bytes(PNG)
    kind = tool_units.save_kind(admin, tool_units.KindInput("梯子", photo=str(picture)))
    event = register_event(clerk, EventInput(category="设施损坏", level=rules.NORMAL, description="梯子坏了",
                                             source=rules.PATROL, place="星体花园3栋", photos=[picture]))
    after = tmp_path / "修好了.jpg"
    after.write_bytes(JPEG)
    add_photo(clerk, event.number, after, rules.AFTER)
    digests = [p.digest for p in photos_of(event)]
    assert digests == [kind.photo, hashlib.sha256(JPEG).hexdigest()]
    assert m.Photo.select().count() == 2  # the kind's picture and the event's first one are one row
    assert [photos.photo_bytes(d) for d in digests] == [PNG, JPEG]
    assert {p.digest: p.mime for p in m.Photo.select()} == {digests[0]: "image/png", digests[1]: "image/jpeg"}


def test_the_store_keeps_the_table_older_files_have(site_db):
    """Renaming the table would need a schema step on both backends and a restore check for every older
    backup; the store keeps the name version 3 gave it."""
    assert m.Photo._meta.table_name == "tool_photo"
    assert "tool_photo" in dbmod.current().get_tables()
