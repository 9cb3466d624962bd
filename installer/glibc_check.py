"""Which C library a bundle needs: the newest ``GLIBC_`` symbol version any of its ELF files asks for.

A program linked on a newer system refuses to start on an older one with "version `GLIBC_2.35' not
found", long after dpkg installed it. The dynamic linker decides from each file's version-needs
table (``.gnu.version_r``), so that table, and only it, is read here: the version *definitions* a
library carries (libc defines every version up to its own) say nothing about what it needs.

A short pure-stdlib reader rather than objdump or pyelftools, so the check runs wherever the build
runs (the release root has no binutils requirement beyond the build itself) and adds no dependency.

    python installer/glibc_check.py DIR [--floor 2.31]    prints the needs; exit 1 above the floor
"""

from __future__ import annotations

import argparse
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

SHT_GNU_VERNEED = 0x6FFFFFFE
ELF_MAGIC = b"\x7fELF"

Version = tuple[int, ...]


def parse_version(text: str) -> Version:
    return tuple(int(part) for part in text.split("."))


def show(version: Version) -> str:
    return ".".join(map(str, version))


def needed_versions(data: bytes) -> set[str]:
    """The version names (GLIBC_2.14, GLIBCXX_3.4.21, …) the ELF image ``data`` needs from other files.

    Walks the section headers to the SHT_GNU_VERNEED section, then its Verneed/Vernaux chains; the
    names live in the string table the section's sh_link points at. 32/64-bit and both byte orders.
    """
    if data[:4] != ELF_MAGIC:
        return set()
    wide, order = data[4] == 2, "<" if data[5] == 1 else ">"
    if wide:
        shoff, = struct.unpack_from(order + "Q", data, 0x28)
        shentsize, shnum = struct.unpack_from(order + "HH", data, 0x3A)
        section = order + "IIQQQQIIQQ"
    else:
        shoff, = struct.unpack_from(order + "I", data, 0x20)
        shentsize, shnum = struct.unpack_from(order + "HH", data, 0x2E)
        section = order + "IIIIIIIIII"
    headers = [struct.unpack_from(section, data, shoff + i * shentsize) for i in range(shnum)]
    names: set[str] = set()
    for _name, kind, _flags, _addr, offset, _size, link, count, _align, _entsize in headers:
        if kind != SHT_GNU_VERNEED:
            continue
        strings = headers[link][4]
        entry = offset
        for _ in range(count):  # sh_info holds the number of Verneed entries
            _ver, aux_count, _file, aux, following = struct.unpack_from(order + "HHIII", data, entry)
            at = entry + aux
            for _ in range(aux_count):
                _hash, _flags2, _other, name, next_aux = struct.unpack_from(order + "IHHII", data, at)
                start = strings + name
                names.add(data[start:data.index(b"\x00", start)].decode("ascii", "replace"))
                at += next_aux
            entry += following
    return names


def glibc_needed(path: Path) -> Version | None:
    """The newest GLIBC_x.y the file needs; None for a non-ELF file or one that needs no versioned glibc."""
    with open(path, "rb") as handle:
        if handle.read(4) != ELF_MAGIC:
            return None
        data = ELF_MAGIC + handle.read()
    versions = [parse_version(name[len("GLIBC_"):]) for name in needed_versions(data)
                if name.startswith("GLIBC_") and name[len("GLIBC_"):][:1].isdigit()]
    return max(versions, default=None)


@dataclass(frozen=True)
class Report:
    """What every ELF file of a folder needs, the newest first."""

    needs: list[tuple[Version, Path]]

    @property
    def newest(self) -> Version:
        return self.needs[0][0] if self.needs else (2, 2, 5)

    def above(self, floor: Version) -> list[tuple[Version, Path]]:
        return [(version, path) for version, path in self.needs if version > floor]


def scan(folder: Path) -> Report:
    """Every regular ELF file under ``folder`` (symbolic links are read once, through their target)."""
    needs = [(version, path) for path in sorted(folder.rglob("*"))
             if path.is_file() and not path.is_symlink() and (version := glibc_needed(path)) is not None]
    return Report(sorted(needs, key=lambda item: item[0], reverse=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="最高 GLIBC 版本检查 / newest GLIBC symbol version a bundle needs")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--floor", help="promised oldest glibc, e.g. 2.31: exit 1 if any file needs more")
    parser.add_argument("--top", type=int, default=10, help="how many of the most demanding files to list")
    args = parser.parse_args(argv)
    report = scan(args.folder)
    print(f"newest GLIBC needed: {show(report.newest)}")
    for version, path in report.needs[:args.top]:
        print(f"  GLIBC_{show(version):<6} {path.relative_to(args.folder)}")
    if args.floor and (too_new := report.above(parse_version(args.floor))):
        print(f"{len(too_new)} file(s) need more than glibc {args.floor}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
