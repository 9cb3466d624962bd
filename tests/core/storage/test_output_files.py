"""An output file that cannot be written gets a sentence naming the file the user chose."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.storage import output_files
from gridstation.core.storage.output_files import staged, write_problem


def test_a_staged_file_is_named_by_the_users_name_and_each_cause_in_chinese(tmp_path):
    chosen = tmp_path / "gone" / "居民名单.xlsx"
    with pytest.raises(FileNotFoundError) as missing, staged(chosen) as partial:
        partial.write_bytes(b"x")
    assert write_problem(Path(missing.value.filename), missing.value).message == \
        f"无法写入文件 {chosen}：文件夹 {chosen.parent} 不存在。"
    assert "没有写入权限" in write_problem(chosen, PermissionError()).message
    assert write_problem(chosen, OSError(errno.ENOSPC, "No space left on device")).message == \
        f"无法写入文件 {chosen}：磁盘已满。"
    assert isinstance(write_problem(chosen, OSError(errno.EIO, "x")), DomainError)


def test_a_target_that_is_not_a_plain_file_is_refused_and_left_as_it_was(tmp_path):
    """A rename over a device or a pipe replaces it with a plain file (as root, /dev/null itself): refused
    before anything is written, the special file untouched."""
    pipe = tmp_path / "pipe.pdf"
    os.mkfifo(pipe)
    to_device = tmp_path / "null.pdf"
    to_device.symlink_to(os.devnull)
    for target in (pipe, to_device):
        with pytest.raises(DomainError, match="不是普通文件"), staged(target) as partial:
            partial.write_bytes(b"%PDF")
        assert not target.is_file() and not list(tmp_path.glob(".*partial*"))
    assert Path(os.devnull).is_char_device()


@pytest.mark.parametrize("name", ["a\nb.pdf", "\u202efdp.exe", "公示牌\u200b.pdf", "长" * 86 + ".pdf"])
def test_a_name_with_hidden_characters_or_too_long_is_refused(tmp_path, name):
    with pytest.raises(DomainError, match="输出文件名") as refused, staged(tmp_path / name) as partial:
        partial.write_bytes(b"x")
    assert "\n" not in refused.value.message and "\u202e" not in refused.value.message
    assert list(tmp_path.iterdir()) == []
    output_files.check_target(tmp_path / ("长" * 80 + ".pdf"))  # 244 bytes: taken


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes a read-only file anyway (the immutable flag aside)")
def test_an_existing_file_that_cannot_be_written_is_refused_before_the_work(tmp_path):
    locked = tmp_path / "表.pdf"
    locked.write_bytes(b"old")
    locked.chmod(0o444)
    with pytest.raises(DomainError, match="没有写入权限"), staged(locked) as partial:
        partial.write_bytes(b"new")
    assert locked.read_bytes() == b"old"


@pytest.mark.parametrize("names", [("窗口一", "窗口二"), ("front-1", "front_1"), ("x" * 30 + "a", "x" * 30 + "b")])
def test_a_partial_file_of_another_pc_is_not_taken_for_this_pcs_dead_process(tmp_path, monkeypatch, names):
    """Issue 22 F17: host names that differ only outside ASCII letters and digits (or after 30 of them)
    read the same, so a PC deleted another PC's backup in progress as if it were its own dead process."""
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)
    monkeypatch.setattr(output_files.os, "getpid", lambda: int(finished.stdout))  # a process no longer running
    monkeypatch.setattr(output_files.socket, "gethostname", lambda: names[0])
    partial = output_files.partial_path(tmp_path / "gridstation-20260302-093000-manual.db")
    partial.write_bytes(b"half a backup")
    written = clock.now().timestamp()  # the station's clock: another PC's file is stale a day after that
    os.utime(partial, (written, written))
    monkeypatch.setattr(output_files.socket, "gethostname", lambda: names[1])
    assert output_files.remove_stale_partials(tmp_path) == [] and partial.exists()
    monkeypatch.setattr(output_files.socket, "gethostname", lambda: names[0])
    assert output_files.remove_stale_partials(tmp_path) == [partial]  # its own PC still clears it
