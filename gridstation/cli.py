"""The ``gridstation`` command: no arguments starts the GUI, sub-commands work on the database.

Each sub-command lives in a module of ``gridstation.commands`` that registers itself; heavy
imports (Qt, ReportLab) happen inside the handlers so ``--help`` and scripted runs stay quick.

Exit codes: 0 done; 2 refused input or a refused operation (one Chinese line on stderr, nothing
written); 1 a check that found problems (``check``, ``audit verify``, ``selftest``) or an error
the program did not expect — that one prints one Chinese line naming the log file, which holds the
traceback, so scripts can tell a fault of the program from a fault of the input.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from gridstation import __version__
from gridstation.commands import COMMAND_MODULES, CommandError
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.free_text import shown
from gridstation.core.storage import logs
from gridstation.core.storage.paths import default_database

# argparse's own wording in Chinese. argparse passes each of its messages through its module's ``_``
# (gettext, which has no Chinese catalogue for it), so while a parser parses that name reads this table;
# a message not listed stays as argparse wrote it.
ARGPARSE_CHINESE = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "“%(value)s”不是可选的值，只能是 %(choices)s",
    "unrecognized arguments: %s": "多余的参数：%s",
    "the following arguments are required: %s": "缺少参数：%s",
    "expected one argument": "后面缺少一个值",
    "expected at most one argument": "后面最多跟一个值",
    "expected at least one argument": "后面至少要跟一个值",
    "invalid %(type)s value: %(value)r": "“%(value)s”不是有效的%(type)s",
    "one of the arguments %s is required": "需要以下参数之一：%s",
    "not allowed with argument %s": "不能与 %s 同时使用",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "ignored explicit argument %r": "这个选项不带值：%r",
    "unexpected option string: %s": "意外的选项：%s",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
}
TYPE_NAMES = {"有效的int": "有效的整数", "有效的float": "有效的数字"}  # argparse names a type by its Python name


@contextlib.contextmanager
def _argparse_in_chinese() -> Iterator[None]:
    english = argparse._  # type: ignore[attr-defined]
    argparse._ = lambda message: ARGPARSE_CHINESE.get(message, message)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = english  # type: ignore[attr-defined]


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse whose usage errors are one Chinese line and exit 2, as scripts expect, in Chinese words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with _argparse_in_chinese():  # the headings of --help are named as the parser is made
            super().__init__(*args, **kwargs)

    def parse_args(self, args=None, namespace=None):  # type: ignore[no-untyped-def]
        with _argparse_in_chinese():
            return super().parse_args(args, namespace)

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[no-untyped-def]
        with _argparse_in_chinese():
            return super().parse_known_args(args, namespace)

    def error(self, message: str) -> None:  # type: ignore[override]
        for english, chinese in TYPE_NAMES.items():
            message = message.replace(english, chinese)
        self.exit(2, f"参数错误：{message}（用 gridstation --help 查看用法）\n")


class Shown(io.TextIOBase):
    """A terminal stream that prints every text through the one display filter (``free_text.shown``).

    Refusals quote what was typed or read (a ledger cell, an argument), import reports quote cells, lists
    show stored text: an escape sequence or a direction override among them must not drive or reorder
    the terminal, whichever message carries it, so the filter sits here and not at each message.
    """

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(shown(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", "utf-8")


def _undecodable(arg: str) -> bool:
    """Whether a command-line argument held bytes that are not UTF-8 (Python keeps them as lone surrogates,
    which nothing can store or print)."""
    return any("\ud800" <= char <= "\udfff" for char in arg)


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(
        prog="gridstation", description="网格服务站 GridStation：一站式受理与共享工具箱。不带子命令时启动图形界面。"
    )
    parser.add_argument("--version", action="version", version=f"gridstation {__version__}")
    parser.add_argument("--db", help="数据库文件路径或 postgresql:// 地址（默认：环境变量 GRIDSTATION_DB 或站点数据文件夹）")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=ChineseArgumentParser)
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logs.setup()
    argv = sys.argv[1:] if argv is None else list(argv)
    if any(_undecodable(arg) for arg in argv):
        print("参数含有无效字符（不是有效的 UTF-8 文字），请检查后重新输入。", file=sys.stderr)
        return 2
    parser = build_parser()
    args = parser.parse_args(argv)
    target = args.db or default_database()
    if not args.command:
        # late import (start-up time): Qt loads for the window only, not for a command
        from gridstation.app import run_gui

        return run_gui(target)
    with contextlib.redirect_stdout(Shown(sys.stdout)), contextlib.redirect_stderr(Shown(sys.stderr)):
        return _run(args, target)


def _run(args: argparse.Namespace, target: str) -> int:
    try:
        code = int(args.handler(args, target) or 0)
        sys.stdout.flush()  # a closed pipe is met here, not in the interpreter's last flush
        return code
    except (DomainError, CommandError) as exc:
        print(getattr(exc, "message", str(exc)), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader closed the pipe (`gridstation events list | head`): not a fault, nothing to log; what is
        # left unwritten goes nowhere, so the interpreter's last flush at exit does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.__stdout__.fileno())
        return 0
    except Exception:  # noqa: BLE001 - the last resort: the traceback goes to the log, not the user
        logs.log_exception(*sys.exc_info())  # type: ignore[arg-type]
        print(logs.unexpected_message(), file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
