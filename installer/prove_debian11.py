"""Proof on the target: the release .deb installs with apt in a fresh Debian 11 root and runs there.

    sudo python3 installer/prove_debian11.py [dist/gridstation_<version>_amd64.deb] [--keep]

Makes a new minimal bullseye root (glibc 2.31, the oldest the registry still serves), lets apt install
the package with its Depends from Debian's registry and without Recommends (so Depends alone must be
enough), then runs the installed ``gridstation`` offscreen: --version, init, selftest (which opens every page
and dialog) and screenshots of the intake and statistics pages; the intake one lands beside the .deb as
``<name>.debian11.png`` for a person to look at.
The root is deleted afterwards unless --keep. Needs root, debootstrap and Debian's registry; two to
four minutes on two cores (see the README), so it runs before each release, not in CI.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from debian_root import RootError, create, entered, remove, run
from release import SUITE, cache_folder

ROOT = Path(__file__).resolve().parents[1]
STATION = "新亚洲体育城社区为民服务站"
SHOT = "/root/intake.png"
PROVE = f"""
apt-get update -qq
apt-get install -y -qq --no-install-recommends /tmp/{{deb}}
dpkg -s gridstation | grep -E '^(Status|Version|Depends):'
gridstation --version
gridstation init --station '{STATION}' --admin admin
gridstation selftest
gridstation screenshot --page intake --out {SHOT}
gridstation screenshot --page stats --out /root/stats.png
"""
RUN_ENV = {"QT_QPA_PLATFORM": "offscreen", "GRIDSTATION_DATA_DIR": "/root/gridstation-data",
           "GRIDSTATION_ADMIN_PASSWORD": "release-proof-1"}


def newest_deb() -> Path:
    debs = sorted((ROOT / "dist").glob("gridstation_*.deb"), key=lambda p: p.stat().st_mtime)
    if not debs:
        raise RootError("dist/ 里没有 .deb：先运行 python3 installer/build.py --release。")
    return debs[-1]


def prove(deb: Path, keep: bool = False) -> Path:
    """Install ``deb`` in a fresh root and run it; returns the screenshot taken there."""
    cache = cache_folder()
    cache.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix=f"{SUITE}-proof-", dir=cache))
    started = time.perf_counter()
    try:
        print(f"==> 新的 Debian 11 根目录 / fresh {SUITE} root in {root}", flush=True)
        create(root, SUITE)
        made = time.perf_counter()
        shutil.copy2(deb, root / "tmp" / deb.name)
        print(f"==> apt 安装并运行 / apt install {deb.name}, then init, selftest, screenshot", flush=True)
        with entered(root):
            run(root, PROVE.format(deb=deb.name), env=RUN_ENV)
        shot = deb.with_name(deb.stem + ".debian11.png")
        shutil.copy2(root / SHOT.lstrip("/"), shot)
        finished = time.perf_counter()
        print(f"    root {made - started:.0f} s, install and run {finished - made:.0f} s, "
              f"in all {finished - started:.0f} s; screenshot: {shot}")
        return shot
    finally:
        if not keep:
            remove(root)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="在新的 Debian 11 环境里安装并运行发布版 .deb")
    parser.add_argument("deb", nargs="?", type=Path, help="默认 dist/ 里最新的 gridstation_*.deb")
    parser.add_argument("--keep", action="store_true", help="保留根目录（查问题用）")
    args = parser.parse_args(argv)
    try:
        prove((args.deb or newest_deb()).resolve(), keep=args.keep)
    except RootError as exc:
        print(f"验证未通过：{exc}", file=sys.stderr)
        return 1
    print("验证通过 / the release .deb installs and runs on Debian 11")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
