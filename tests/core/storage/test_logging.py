"""Nothing silent (issue 12 item 5): unexpected errors go to the log file, staff see one Chinese
line or dialog naming it, the window keeps running, and no traceback reaches the command line."""

from __future__ import annotations

import sys
import threading

import pytest

from gridstation import app
from gridstation.cli import main
from gridstation.commands import backup_commands
from gridstation.core.storage import logs


@pytest.fixture
def log_dir(tmp_path, monkeypatch):
    folder = tmp_path / "logs"
    monkeypatch.setenv("GRIDSTATION_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    yield folder
    logs.setup()  # back to the session's folder for later tests


def test_an_unexpected_error_at_the_command_line_is_one_chinese_line_exit_1(db_path, log_dir, capsys, monkeypatch):
    def broken(args, target):
        raise KeyError("an-unexpected-fault")

    monkeypatch.setattr(backup_commands, "cmd_check", broken)
    assert main(["--db", str(db_path), "check"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert captured.err == f"程序发生意外错误，详细信息已记录在日志文件：{log_dir / 'gridstation.log'}。请把该文件交给维护人员。\n"
    logged = (log_dir / "gridstation.log").read_text(encoding="utf-8")
    assert "Traceback" in logged and "KeyError" in logged and "broken" in logged
    assert "KeyError: 'an-unexpected-fault'" not in logged  # an exception's text may quote records: not logged
    assert (log_dir / "crash.log").exists()  # faulthandler's file for hard crashes


def test_a_worker_threads_error_is_logged(log_dir):
    threading.excepthook = threading.__excepthook__  # as in the program (pytest puts its own here)
    logs.setup()

    def work() -> None:
        raise ValueError("fault-in-a-worker")

    thread = threading.Thread(target=work, name="统计")
    thread.start()
    thread.join()
    logged = (log_dir / "gridstation.log").read_text(encoding="utf-8")
    assert "ValueError" in logged and "work" in logged and "统计" in logged and "ValueError: fault-in-a-worker" not in logged


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_slot_shows_a_chinese_dialog_and_the_window_keeps_running(qtbot, log_dir):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

    app.install_error_dialog()
    clicks: list[int] = []

    def slot() -> None:
        clicks.append(1)
        raise ZeroDivisionError("fault-in-a-slot")

    button = QPushButton("统计")
    qtbot.addWidget(button)
    button.clicked.connect(slot)
    button.show()
    qtbot.waitExposed(button)
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)

    def dialog() -> QMessageBox | None:
        boxes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "unexpectedErrorBox" and w.isVisible()]
        return boxes[0] if boxes else None

    qtbot.waitUntil(lambda: dialog() is not None)
    box = dialog()
    assert str(log_dir / "gridstation.log") in box.text() and "程序可以继续使用" in box.text()
    assert box.button(QMessageBox.StandardButton.Ok).text() == "确定"
    logged = (log_dir / "gridstation.log").read_text(encoding="utf-8")
    assert "Traceback" in logged and "ZeroDivisionError" in logged and "Error: fault-in-a-slot" not in logged
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not box.isVisible())
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)  # still running: the next click is handled too
    assert len(clicks) == 2
    qtbot.waitUntil(lambda: dialog() is not None)
    dialog().close()


def test_an_unwritable_data_folder_still_gives_one_chinese_line_and_no_traceback(db_path, log_dir, capsys, monkeypatch,
                                                                                  tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    monkeypatch.setenv("GRIDSTATION_DATA_DIR", str(blocked))  # the log folder cannot be made

    def broken(args, target):
        raise KeyError("an-unexpected-fault")

    monkeypatch.setattr(backup_commands, "cmd_check", broken)
    assert main(["--db", str(db_path), "check"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("程序发生意外错误") and err.count("\n") == 1 and "Traceback" not in err
