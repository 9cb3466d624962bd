"""Debian roots in a folder: made with debootstrap, entered with chroot. Needs root and debootstrap.

The release build compiles inside a Debian 11 root so that everything in the bundle is linked
against glibc 2.31, and the proof installs the .deb in a fresh one. Both take the mirror from this
machine's own apt configuration (or GRIDSTATION_DEBIAN_MIRROR), so no host name is written here.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

MIRROR_VARIABLE = "GRIDSTATION_DEBIAN_MIRROR"
APT_SOURCES = Path("/etc/apt/sources.list")
APT_SOURCE_PARTS = Path("/etc/apt/sources.list.d")
# A clean environment inside the root: the host's PYTHONPATH, pip settings or virtualenv must not leak in.
ROOT_ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root",
            "LANG": "C.UTF-8", "DEBIAN_FRONTEND": "noninteractive"}


class RootError(Exception):
    """A step in the Debian root failed or cannot run here; the message says what to do."""


def debian_mirror(security: bool = False) -> str:
    """The Debian archive apt uses on this machine, or its security archive: deb822 or one-line form.

    With GRIDSTATION_DEBIAN_MIRROR set, the security archive is taken to sit beside it (…/debian-security),
    as it does on Debian's own mirrors.
    """
    if os.environ.get(MIRROR_VARIABLE):
        mirror = os.environ[MIRROR_VARIABLE].rstrip("/")
        return mirror + "-security" if security else mirror
    texts = [p.read_text(encoding="utf-8") for p in [APT_SOURCES, *sorted(APT_SOURCE_PARTS.glob("*"))]
             if p.is_file() and p.suffix in {".list", ".sources"}]
    wanted = r"/debian-security/?$" if security else r"/debian/?$"
    for text in texts:
        for uri in re.findall(r"^\s*(?:URIs:|deb(?:\s+\[[^]]*\])?)\s+(\S+)", text, re.MULTILINE):
            if re.search(wanted, uri):
                return uri.rstrip("/")
    raise RootError(f"在 apt 配置里找不到 Debian 软件源；请设置环境变量 {MIRROR_VARIABLE}。")


def create(root: Path, suite: str, packages: Sequence[str] = (), cache: Path | None = None) -> Path:
    """A minimal ``suite`` root in ``root`` with ``packages`` (kept if a finished one is already there)."""
    if (root / "etc" / "debian_version").is_file() and (root / ".complete").is_file():
        return root
    if os.geteuid() != 0 or shutil.which("debootstrap") is None:
        raise RootError("制作 Debian 根目录需要 root 权限和 debootstrap（apt-get install debootstrap）。")
    remove(root)
    root.parent.mkdir(parents=True, exist_ok=True)
    command = ["debootstrap", "--variant=minbase"]
    if packages:
        command.append("--include=" + ",".join(packages))
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        command.append(f"--cache-dir={cache}")
    if subprocess.call([*command, suite, str(root), debian_mirror()]) != 0:
        raise RootError(f"debootstrap {suite} 失败，详见上面的输出。")
    (root / ".complete").touch()
    return root


@contextlib.contextmanager
def entered(root: Path) -> Iterator[Path]:
    """/proc and /dev mounted in the root and the host's resolver copied in, undone on the way out."""
    shutil.copy2("/etc/resolv.conf", root / "etc" / "resolv.conf")
    mounts = [(["-t", "proc", "proc"], root / "proc"), (["--bind", "/dev"], root / "dev")]
    done: list[Path] = []
    try:
        for options, target in mounts:
            subprocess.run(["mount", *options, str(target)], check=True)
            done.append(target)
        yield root
    finally:
        for target in reversed(done):
            subprocess.call(["umount", "--lazy", str(target)])


def remove(root: Path) -> None:
    """Delete a root, but never through a mount still inside it (a bound /dev is the host's own)."""
    inside = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()
              if line.split()[1].startswith(f"{root.resolve()}/")]
    if inside:
        raise RootError(f"{root} 里还有挂载点（{', '.join(inside)}），没有删除。")
    shutil.rmtree(root, ignore_errors=True)


def run(root: Path, script: str, env: Mapping[str, str] | None = None, log: Path | None = None) -> None:
    """Run a shell ``script`` inside the (entered) root; its output goes to ``log`` or to ours."""
    command = ["chroot", str(root), "/usr/bin/env", "-i", *[f"{k}={v}" for k, v in {**ROOT_ENV, **(env or {})}.items()],
               "/bin/sh", "-eu", "-c", script]
    with open(log, "ab") if log else contextlib.nullcontext() as output:
        code = subprocess.call(command, stdout=output, stderr=subprocess.STDOUT if output else None)
    if code != 0:
        where = f"，日志：{log}" if log else ""
        raise RootError(f"在 {root} 里运行失败（退出码 {code}）{where}：{script.splitlines()[0][:120]}")
