"""Each window sees the others' work: saves in another process reach this window's pages; a lost
server connection shows the banner and the window recovers on its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMainWindow

from gridstation.core.intake import residents
from gridstation.core.station import changes, printouts, station
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.window.live_updates import LiveUpdates
from tests.helpers import make_id
from tests.netcut import Cable

pytestmark = pytest.mark.both_backends

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def watched(site_db, admin, qtbot):
    """A window watching the station (polling every 0.2 s), and a resident to save intakes for."""
    zhang = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))
    ctx = AppContext(target=site_db, staff=admin)
    window = QMainWindow()
    qtbot.addWidget(window)
    live = LiveUpdates(ctx, window, interval=0.2)
    yield ctx, live, zhang
    window.close()


def test_another_windows_save_refreshes_this_window(site_db, watched, qtbot):
    ctx, live, zhang = watched
    with qtbot.waitSignal(ctx.bus.data_changed, timeout=15000, check_params_cb=lambda area: area == "intake"):
        subprocess.run([sys.executable, "-m", "tests.workers.save_intakes", site_db, "1", str(zhang.id)],
                       cwd=ROOT, check=True, capture_output=True)
    assert not live.connection_lost


def test_each_change_names_only_its_area(site_db, admin):
    start = changes.latest()
    residents.save_resident(admin, residents.ResidentInput(name="李四", doc_number=make_id(seq="773")))
    assert changes.changes_since(start).areas == {"resident"}
    now = changes.latest()
    for printed in (False, True):  # a preview or a print changes nothing
        printouts.record(admin, printouts.RECEIPT, "SL000", printed=printed)
    assert changes.changes_since(now).areas == frozenset()
    assert changes.changes_since(changes.latest()).areas == frozenset()
    assert changes.changes_since(changes.latest() + 50).areas == changes.ALL_AREAS  # replaced by a restore


def test_window_closes_its_poller(watched):
    _ctx, live, _zhang = watched
    live.window.close()
    assert live.poller.isFinished()


@pytest.mark.parametrize("backend", ["postgresql"])
def test_lost_server_shows_the_banner_then_reconnects_and_refreshes(site_db, admin, qtbot):
    cable = Cable(site_db)
    try:
        station.open_site(cable.url)
        ctx = AppContext(target=cable.url, staff=m.Staff.get(m.Staff.username == "admin"))
        window = QMainWindow()
        qtbot.addWidget(window)
        live = LiveUpdates(ctx, window, interval=0.2)
        cable.cut()
        qtbot.waitUntil(lambda: live.connection_lost, timeout=15000)
        assert "与数据库服务器的连接已断开，正在自动重新连接" in live.label.text()
        with qtbot.waitSignals([ctx.bus.data_changed] * 3, timeout=15000):
            cable.mend()
        assert not live.connection_lost
        window.close()
    finally:
        dbmod.close_database()
        cable.close()
