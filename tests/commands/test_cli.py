import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from gridstation.cli import main
from tests.helpers import ROOT, WITHOUT_FILE_RIGHTS


def run(*args: str, password: str | None = "secret123", **env: str) -> subprocess.CompletedProcess:
    environment = dict(os.environ, **env)
    environment.pop("GRIDSTATION_ADMIN_PASSWORD", None)
    if password is not None:
        environment["GRIDSTATION_ADMIN_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "gridstation", *args], capture_output=True, text=True,
                          env=environment, stdin=subprocess.DEVNULL, timeout=120)


def test_init_creates_the_database_and_admin(tmp_path):
    db = tmp_path / "site.db"
    result = run("--db", str(db), "init", "--station", "测试服务站", "--admin", "boss")
    assert result.returncode == 0, result.stderr
    assert "数据库已创建" in result.stdout and db.exists()
    again = run("--db", str(db), "init", "--station", "测试服务站", "--admin", "boss")
    assert again.returncode == 0 and "已检查" in again.stdout


def test_init_without_a_terminal_or_password_exits_2_and_writes_nothing(tmp_path):
    db = tmp_path / "site.db"
    result = run("--db", str(db), "init", "--station", "测试服务站", password=None)
    assert result.returncode == 2
    assert "GRIDSTATION_ADMIN_PASSWORD" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not db.exists()


def test_short_password_is_refused_before_anything_is_written(tmp_path):
    db = tmp_path / "site.db"
    result = run("--db", str(db), "init", "--station", "测试服务站", password="123")
    assert result.returncode == 2 and "密码至少需要" in result.stderr
    assert not db.exists()


def test_gridstation_db_environment_variable_selects_the_database(tmp_path):
    db = tmp_path / "env.db"
    result = run("init", "--station", "环境变量站", GRIDSTATION_DB=str(db))
    assert result.returncode == 0, result.stderr
    assert db.exists()


@pytest.mark.parametrize("args, words", [
    (["nonsense"], "参数错误"),
    (["init"], "参数错误"),
    (["demo", "--residents", "abc"], "参数错误"),
])
def test_bad_arguments_exit_2_with_one_chinese_line(tmp_path, capsys, args, words):
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(tmp_path / "x.db"), *args])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize("args, words", [
    (["labels", "--out", "l.pdf", "--layout", "9x9"], "--layout：“9x9”不是可选的值，只能是"),
    (["slip", "A", "B", "--out", "x.pdf"], "多余的参数：B"),
    (["export", "tools", "--out"], "--out：后面缺少一个值"),
    (["demo", "--residents", "abc"], "--residents：“abc”不是有效的整数"),
    (["init"], "缺少参数：--station"),
    (["nonsense"], "“nonsense”不是可选的值"),
])
def test_argparse_wording_is_chinese(tmp_path, capsys, args, words):
    """argparse's own messages (invalid choice, unrecognized arguments, expected one argument …) inside the
    one Chinese line are Chinese too."""
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(tmp_path / "x.db"), *args])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1, err
    for english in ("invalid", "argument", "expected", "unrecognized", "required", "choose"):
        assert english not in err, err


def test_reading_command_on_a_missing_database_exits_2_without_creating_it(tmp_path, capsys):
    missing = tmp_path / "missing.db"
    assert main(["--db", str(missing), "selftest"]) == 2
    assert "数据库文件不存在" in capsys.readouterr().err
    assert not missing.exists()


def test_screenshot_of_an_unknown_page_exits_2(db_path, tmp_path, capsys):
    out = tmp_path / "shot.png"
    assert main(["--db", str(db_path), "screenshot", "--page", "nosuch", "--out", str(out)]) == 2
    assert "没有名为" in capsys.readouterr().err
    assert not out.exists()


def test_gui_without_a_display_says_so(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "gridstation", "--db", str(tmp_path / "x.db")], capture_output=True,
                            text=True, env=env, stdin=subprocess.DEVNULL, timeout=60)
    assert result.returncode == 1
    assert "没有可用的显示器" in result.stderr
    assert "Aborted" not in result.stderr and not Path(tmp_path / "x.db").exists()


def test_selftest_starts_the_child_process_that_long_work_runs_in(qapp, db_path, capsys):  # qapp: it opens windows
    assert main(["--db", str(db_path), "selftest"]) == 0
    out = capsys.readouterr().out
    assert "后台进程：通过" in out and "自检通过" in out


def test_an_input_file_that_cannot_be_read_is_one_chinese_line_and_changes_nothing(db_path, request):
    """A ledger to import, a backup to restore, a station file to migrate: each refused at once,
    exit 2, naming the file (before: a program fault, or "not a GridStation database")."""
    folder = Path(tempfile.mkdtemp(prefix="gridstation-unreadable-"))  # /tmp itself: pytest's folders are private
    request.addfinalizer(lambda: shutil.rmtree(folder, ignore_errors=True))
    folder.chmod(0o777)
    (folder / "residents.csv").write_text("姓名,身份证号\n", encoding="utf-8")
    shutil.copy(db_path, folder / "backup.db")
    for name in ("residents.csv", "backup.db"):
        (folder / name).chmod(0o000)
    db_path.chmod(0o666)
    before = db_path.read_bytes()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(folder), "GRIDSTATION_DATA_DIR": str(folder),
           "GRIDSTATION_ADMIN_PASSWORD": "secret123"}
    for args, what in ((["import", "residents", "residents.csv"], "要导入的文件"),
                       (["restore", "backup.db"], "备份文件"),
                       (["migrate", "--from", "backup.db", "--to", "postgresql://x@127.0.0.1:1/x"], "要迁移的数据库文件")):
        result = subprocess.run([*WITHOUT_FILE_RIGHTS, sys.executable, "-m", "gridstation", "--db", str(db_path), *args],
                                capture_output=True, text=True, cwd=folder, env=env, timeout=120)
        assert result.returncode == 2, result.stderr
        file = "backup.db" if args[0] == "migrate" else args[-1]
        assert result.stderr.strip().splitlines() == [f"无法读取{what}：{file}。请检查文件权限。"]
    assert db_path.read_bytes() == before
