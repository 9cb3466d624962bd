"""``installer/dev.py run`` on a PC with no site database: the demo lives in its own throw-away folder.

The demo's database, backups, log and print copies must never land in the PC's real data folder, where
a station's own file would later be created beside them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "installer"))  # installer/ is a folder of scripts, not a package

import dev  # noqa: E402 - installer/ joins the path just above


@pytest.mark.slow
def test_run_without_a_site_puts_the_demo_in_the_throwaway_folder(tmp_path, monkeypatch, capfd):
    real = tmp_path / "real-data"
    monkeypatch.setenv("GRIDSTATION_DATA_DIR", str(real))
    monkeypatch.setattr(dev, "DEMO_DATA", tmp_path / "demo-data")
    # The environment under test is already this interpreter's: installing it again is not what is tested.
    monkeypatch.setattr(dev, "ensure_environment", lambda extras: Path(sys.executable))

    assert dev.run_app(["check"]) == 0

    out = capfd.readouterr().out
    assert (tmp_path / "demo-data" / "gridstation-demo.db").is_file()
    assert "demo-data" in out and "admin" in out
    landed = sorted(p.relative_to(real).as_posix() for p in real.rglob("*")) if real.exists() else []
    assert landed == [], f"the demo wrote into the real data folder: {landed}"
