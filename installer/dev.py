"""The README's commands, with all their set-up: ``python3 installer/dev.py run``, ``... test`` and ``... lint``.

Creates ``.venv`` beside the source (once), installs GridStation and its dependencies into it
(again only when pyproject.toml changes), then starts the application or runs the whole test suite.
``run`` uses the site database when one exists, else a demo database it creates on first use, in a
throw-away data folder beside the source (``.demo-data/``): the demo's backups, log and printed copies
stay there too, so nothing of the demo ever lands in this PC's real data folder.
Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
DEMO_PASSWORD = "demo1234"
DEMO_DATA = ROOT / ".demo-data"  # ignored by git; delete it to start the demo afresh


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_environment(extras: str) -> Path:
    python = venv_python()
    if not python.exists():
        print(f"创建虚拟环境 / creating virtual environment: {VENV}", flush=True)
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except (subprocess.CalledProcessError, OSError) as exc:
            sys.exit(f"无法创建虚拟环境（{exc}）。Debian/Ubuntu 请先安装：sudo apt-get install python3-venv")
    stamp = VENV / f".installed-{extras or 'app'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        print("安装依赖 / installing dependencies …", flush=True)
        target = f"{ROOT}[{extras}]" if extras else str(ROOT)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-e", target], check=True)
        stamp.write_text(digest)
    return python


def site_database(python: Path) -> str:
    """The database ``gridstation`` would open with no --db (asked from the installed package)."""
    out = subprocess.run([str(python), "-c", "from gridstation.core.storage.paths import default_database as d; print(d())"],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def run_app(args: list[str]) -> int:
    python = ensure_environment("")
    env = dict(os.environ)
    target = site_database(python)
    if "://" not in target and not Path(target).exists():
        # Everything the demo writes (database, backups, log, print copies) goes to the throw-away folder.
        env["GRIDSTATION_DATA_DIR"] = str(DEMO_DATA)
        demo = DEMO_DATA / "gridstation-demo.db"
        if not demo.exists():
            print(f"没有站点数据库，创建演示数据库 / creating a demo database: {demo}", flush=True)
            DEMO_DATA.mkdir(exist_ok=True)
            # demo makes the database itself (admin with the demo password): it refuses any existing file
            subprocess.run([str(python), "-m", "gridstation", "--db", str(demo), "demo"], check=True, env=env)
        print(f"演示数据库 / demo database: {demo}　登录名 admin，密码 {DEMO_PASSWORD}", flush=True)
        args = ["--db", str(demo), *args]
    return subprocess.call([str(python), "-m", "gridstation", *args], env=env)


def run_tests(args: list[str]) -> int:
    python = ensure_environment("test")
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    code = subprocess.call([str(python), "-m", "pytest", *args], cwd=ROOT, env=env)
    if code == 5:
        print("没有收集到任何测试 / no tests were collected", file=sys.stderr)
        return 1
    return code


def run_lint(args: list[str]) -> int:
    """ruff with the rules in pyproject.toml, over the package, the tests and the installer."""
    python = ensure_environment("test")
    return subprocess.call([str(python), "-m", "ruff", "check", *(args or ["."])], cwd=ROOT)


def main() -> int:
    commands = {"run": run_app, "test": run_tests, "lint": run_lint}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print("用法 / usage: python3 installer/dev.py run [gridstation 参数] | test [pytest 参数] | lint",
              file=sys.stderr)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    raise SystemExit(main())
