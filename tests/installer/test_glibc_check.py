"""The glibc floor check (installer/glibc_check.py) and how build.py and the roots use it.

The reader is checked against readelf on real system files, and the floor against libraries of this
Debian 12 machine whose needs are known: libz asks for GLIBC_2.14, libstdc++ and libexpat for 2.36.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
sys.path.insert(0, str(INSTALLER))  # installer/ is a folder of scripts, not a package

import debian_root  # noqa: E402 - installer/ joins the path just above
import glibc_check  # noqa: E402

LIBS = Path("/usr/lib/x86_64-linux-gnu")
DEBIAN_12 = Path("/etc/debian_version").is_file() and Path("/etc/debian_version").read_text().startswith("12.")
debian12 = pytest.mark.skipif(not (DEBIAN_12 and LIBS.is_dir()), reason="needs the x86-64 libraries of Debian 12")


def load_build():
    spec = importlib.util.spec_from_file_location("gridstation_build", INSTALLER / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def readelf_needs(path: Path) -> set[str]:
    """The version names in the file's version-needs section, as binutils reads them."""
    text = subprocess.run(["readelf", "-V", "--wide", str(path)], capture_output=True, text=True, check=True).stdout
    needs = text.split("Version needs section", 1)[1] if "Version needs section" in text else ""
    return set(re.findall(r"Name: (\S+)\s+Flags", needs))


@pytest.mark.skipif(shutil.which("readelf") is None, reason="readelf (binutils) not installed")
@debian12
@pytest.mark.parametrize("name", ["libc.so.6", "libm.so.6", "libstdc++.so.6", "libz.so.1", "libexpat.so.1", "libffi.so.8"])
def test_reader_finds_the_same_needed_versions_as_readelf(name):
    path = (LIBS / name).resolve()
    assert glibc_check.needed_versions(path.read_bytes()) == readelf_needs(path)


@pytest.mark.skipif(shutil.which("readelf") is None, reason="readelf (binutils) not installed")
def test_reader_agrees_with_readelf_on_the_python_running_the_tests():
    path = Path(sys.executable).resolve()
    assert glibc_check.needed_versions(path.read_bytes()) == readelf_needs(path)


@debian12
def test_versions_a_library_defines_are_not_counted_as_needs():
    """libc defines every version up to 2.36 but needs only ld.so's; libm needs nothing newer than 2.4."""
    assert glibc_check.glibc_needed(LIBS / "libc.so.6") <= (2, 35)
    assert glibc_check.glibc_needed(LIBS / "libm.so.6") == (2, 4)


@debian12
def test_folder_with_debian_12_libstdcxx_fails_a_floor_of_2_31_and_passes_its_own(tmp_path):
    bundle = tmp_path / "bundle" / "_internal"
    bundle.mkdir(parents=True)
    for name in ("libz.so.1", "libstdc++.so.6", "libexpat.so.1"):
        shutil.copy2(LIBS / name, bundle / name)
    (bundle / "libz-link.so").symlink_to(bundle / "libz.so.1")
    (bundle / "README.txt").write_text("not a library", encoding="utf-8")
    report = glibc_check.scan(tmp_path / "bundle")
    assert report.newest == (2, 36)
    assert sorted(p.name for _, p in report.above((2, 31))) == ["libexpat.so.1", "libstdc++.so.6"]
    assert [p.name for _, p in report.needs] == ["libexpat.so.1", "libstdc++.so.6", "libz.so.1"]
    assert report.above((2, 36)) == []
    assert glibc_check.main([str(tmp_path / "bundle"), "--floor", "2.31"]) == 1
    assert glibc_check.main([str(tmp_path / "bundle"), "--floor", "2.36"]) == 0


@debian12
def test_library_old_enough_passes_the_release_floor(tmp_path):
    shutil.copy2(LIBS / "libz.so.1", tmp_path / "libz.so.1")
    report = glibc_check.scan(tmp_path)
    assert report.newest == (2, 14) and report.above((2, 28)) == []


def test_folder_without_elf_files_needs_nothing(tmp_path):
    (tmp_path / "a.py").write_text("print('hi')\n", encoding="utf-8")
    (tmp_path / "ELF").write_bytes(b"\x7fEL")  # too short to be an ELF file
    assert glibc_check.scan(tmp_path).needs == []


@debian12
def test_build_refuses_a_bundle_above_its_floor_and_names_the_files(tmp_path):
    build = load_build()
    shutil.copy2(LIBS / "libstdc++.so.6", tmp_path / "libstdc++.so.6")
    with pytest.raises(build.BuildError, match=r"glibc 2\.31[\s\S]*GLIBC_2\.36  libstdc\+\+\.so\.6"):
        build.check_glibc(tmp_path, "2.31")
    build.check_glibc(tmp_path, "2.36")


def test_build_promises_at_most_the_glibc_it_was_built_with():
    assert load_build().build_glibc() == os.confstr("CS_GNU_LIBC_VERSION").split()[-1]


def test_mirror_comes_from_the_deb822_apt_configuration(tmp_path, monkeypatch):
    monkeypatch.delenv(debian_root.MIRROR_VARIABLE, raising=False)
    parts = tmp_path / "sources.list.d"
    parts.mkdir()
    (parts / "debian.sources").write_text(
        "Types: deb\nURIs: http://archive.example/debian-security\nSuites: bookworm-security\n\n"
        "Types: deb\nURIs: http://archive.example/debian\nSuites: bookworm bookworm-updates\n", encoding="utf-8")
    (parts / "other.list.disabled").write_text("deb http://elsewhere.example/debian bookworm main\n")
    monkeypatch.setattr(debian_root, "APT_SOURCES", tmp_path / "sources.list")
    monkeypatch.setattr(debian_root, "APT_SOURCE_PARTS", parts)
    assert debian_root.debian_mirror() == "http://archive.example/debian"
    assert debian_root.debian_mirror(security=True) == "http://archive.example/debian-security"


def test_mirror_comes_from_a_one_line_sources_list_or_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(debian_root.MIRROR_VARIABLE, raising=False)
    sources = tmp_path / "sources.list"
    sources.write_text("# deb http://old.example/debian buster main\n"
                       "deb [arch=amd64] http://mirror.example/debian/ bullseye main\n", encoding="utf-8")
    monkeypatch.setattr(debian_root, "APT_SOURCES", sources)
    monkeypatch.setattr(debian_root, "APT_SOURCE_PARTS", tmp_path / "none")
    assert debian_root.debian_mirror() == "http://mirror.example/debian"
    monkeypatch.setenv(debian_root.MIRROR_VARIABLE, "http://local.example/debian/")
    assert debian_root.debian_mirror() == "http://local.example/debian"
    assert debian_root.debian_mirror(security=True) == "http://local.example/debian-security"


def test_without_any_debian_source_the_mirror_question_is_answered_in_chinese(tmp_path, monkeypatch):
    monkeypatch.delenv(debian_root.MIRROR_VARIABLE, raising=False)
    monkeypatch.setattr(debian_root, "APT_SOURCES", tmp_path / "sources.list")
    monkeypatch.setattr(debian_root, "APT_SOURCE_PARTS", tmp_path / "none")
    with pytest.raises(debian_root.RootError, match="GRIDSTATION_DEBIAN_MIRROR"):
        debian_root.debian_mirror()


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("mount") is None, reason="mounting needs root")
def test_a_root_with_a_mount_inside_is_never_deleted(tmp_path):
    """A bound /dev left mounted would make deleting the root delete the host's device files."""
    root = tmp_path / "root"
    (root / "dev").mkdir(parents=True)
    (root / "etc").mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(root / "dev")], check=True)
    try:
        (root / "dev" / "null-stand-in").write_text("host file", encoding="utf-8")
        with pytest.raises(debian_root.RootError, match="挂载点"):
            debian_root.remove(root)
        assert (root / "dev" / "null-stand-in").is_file() and (root / "etc").is_dir()
    finally:
        subprocess.run(["umount", str(root / "dev")], check=True)
    debian_root.remove(root)
    assert not root.exists()
