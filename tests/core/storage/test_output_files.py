"""An output file that cannot be written gets a sentence naming the file the user chose."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from gridstation.core.rules.errors import DomainError
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
