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
