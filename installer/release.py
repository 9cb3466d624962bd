"""The release build: bundle and .deb made inside a Debian 11 root, so stations with glibc 2.31 run them.

PyInstaller copies the Python it runs on, and every library that Python loads, into the bundle;
whatever glibc those were linked against is the oldest glibc the bundle starts on. So the build
itself runs on the oldest system the stations use that Debian's registry still serves, bullseye:

1. a bullseye root (debootstrap, with a compiler and the -dev packages CPython links against);
2. CPython 3.11 compiled inside it from Debian's own python3.11 source package (bookworm's, fetched
   with apt-get source: bullseye ships only 3.9 and the project needs 3.11): the upstream tarball with
   the upstream fixes Debian carries (from ``shutdown-deadlock.diff`` on in its series, the CVE fixes
   among them) and without Debian's layout patches, which expect Debian's own build rules;
3. the project and its wheels in a virtualenv of that Python, and installer/build.py run there.

Everything is kept in the cache folder (default /var/cache/gridstation-release, or
GRIDSTATION_RELEASE_CACHE), so a later release only updates the root and rebuilds the bundle: 12 minutes
the first time on two busy cores, 9 after that.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from debian_root import create, debian_mirror, entered, run

SUITE = "bullseye"
PYTHON = "/opt/python3.11"
# What compiling CPython needs, plus the libraries Qt loads at build time (icons are drawn with Qt).
BUILD_PACKAGES = (
    "build-essential", "binutils", "dpkg-dev", "xz-utils", "ca-certificates",
    "libssl-dev", "libffi-dev", "libexpat1-dev", "zlib1g-dev", "libbz2-dev", "liblzma-dev", "libsqlite3-dev", "uuid-dev",
    "libgl1", "libegl1", "libfontconfig1", "libfreetype6", "libxkbcommon0", "libxkbcommon-x11-0", "libdbus-1-3",
    "libglib2.0-0", "libx11-xcb1", "libxcb-icccm4", "libxcb-image0", "libxcb-keysyms1", "libxcb-randr0",
    "libxcb-render-util0", "libxcb-shape0", "libxcb-xinerama0", "libxcb-xkb1", "libxcb-cursor0", "libcups2",
)
CACHE_VARIABLE = "GRIDSTATION_RELEASE_CACHE"
# The project files the build needs; the rest (virtualenvs, old builds, git) stays out of the root.
SKIPPED = shutil.ignore_patterns(".git", ".venv", "venv", "dist", "build", "__pycache__", "*.egg-info", ".pytest_cache")

BUILD_PYTHON = f"""
mkdir -p /build/src && cd /build/src
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] {{mirror}} bookworm main" \
    > /etc/apt/sources.list.d/python-source.list
apt-get update -qq
rm -rf /build/src/*
apt-get source --download-only python3.11
tar -xf python3.11_*.orig.tar.*
tar -xf python3.11_*.debian.tar.*
cd Python-3.*/
upstream=0
for patch in $(cat ../debian/patches/series); do
    [ "$patch" = shutdown-deadlock.diff ] && upstream=1
    [ $upstream = 1 ] && patch -p1 -s -N < ../debian/patches/$patch
done
# The CVE-2026-4224 fix calls an internal API; Debian builds pyexpat into libpython, we build it as a
# module, which needs what CPython 3.12's pyexpat.c says at its top.
grep -q Py_BUILD_CORE_MODULE Modules/pyexpat.c ||
    sed -i '1i #ifndef Py_BUILD_CORE_BUILTIN\\n#  define Py_BUILD_CORE_MODULE 1\\n#endif' Modules/pyexpat.c
./configure --prefix={PYTHON} --enable-shared --with-system-expat --with-ensurepip=install \
    LDFLAGS=-Wl,-rpath,{PYTHON}/lib
make -j"$(nproc)"
make install
"""

# Each release takes the newest security fixes of the libraries the bundle copies (OpenSSL, SQLite, …).
UPDATE_ROOT = f"""
cat > /etc/apt/sources.list.d/updates.list <<END
deb {{mirror}} {SUITE}-updates main
deb {{security}} {SUITE}-security main
END
apt-get update -qq
apt-get dist-upgrade -y -qq
"""

BUILD_BUNDLE = f"""
[ -x /build/venv/bin/python ] || {PYTHON}/bin/python3 -m venv /build/venv
/build/venv/bin/pip install --quiet --upgrade pip
/build/venv/bin/pip install --quiet -e '/build/project[bundle]'
rm -rf /build/dist /build/work
cd /build/project
/build/venv/bin/python installer/build.py --bundle --deb --glibc-floor {{floor}} {{fast}} --out /build/dist --work /build/work
"""


def step(text: str) -> None:
    print(f"==> {text}", flush=True)


def cache_folder() -> Path:
    return Path(os.environ.get(CACHE_VARIABLE, "/var/cache/gridstation-release"))


def build_release(project: Path, out: Path, floor: str, *, fast: bool = False) -> Path:
    """Bundle and .deb built in the bullseye root, copied to ``out``; returns the bundle folder there."""
    cache = cache_folder()
    root = cache / f"{SUITE}-build"
    log = cache / "release.log"
    started = time.perf_counter()
    step(f"Debian 11 构建环境 / {SUITE} root in {root}")
    create(root, SUITE, BUILD_PACKAGES, cache / "debs")
    with entered(root):
        if not (root / PYTHON.lstrip("/") / "bin" / "python3").exists():
            step(f"编译 CPython 3.11 / building CPython in the root (log: {log})")
            run(root, BUILD_PYTHON.format(mirror=debian_mirror()), log=log)
        step("更新构建环境 / security updates of the root")
        run(root, UPDATE_ROOT.format(mirror=debian_mirror(), security=debian_mirror(security=True)), log=log)
        step("在 Debian 11 里打包 / bundle and .deb inside the root")
        inside = root / "build" / "project"
        shutil.rmtree(inside, ignore_errors=True)
        shutil.copytree(project, inside, ignore=SKIPPED, symlinks=True)
        # pip in the root trusts what pip here trusts (a site's own certificate authority among them).
        shutil.copy2(os.environ.get("PIP_CERT", "/etc/ssl/certs/ca-certificates.crt"), root / "build" / "ca.pem")
        run(root, BUILD_BUNDLE.format(floor=floor, fast="--fast" if fast else ""),
            env={"QT_QPA_PLATFORM": "offscreen", "PIP_CERT": "/build/ca.pem"})
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / "gridstation", ignore_errors=True)
    shutil.copytree(root / "build" / "dist" / "gridstation", out / "gridstation", symlinks=True)
    for deb in (root / "build" / "dist").glob("gridstation_*.deb"):
        shutil.copy2(deb, out / deb.name)
    print(f"    release build: {time.perf_counter() - started:.0f} s")
    return out / "gridstation"
