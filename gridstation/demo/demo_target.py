"""Where ``gridstation demo`` may write: only a database made for it, never a station's own.

The demo adds seven accounts whose password is published in the README (one of them a station head)
and an invented population. On a station's database that would open the station to anyone who read
the README and mix invented people into real records; on a file that exists but is empty (0 bytes:
a copy cut short, a restore gone wrong) it would quietly turn a damaged station into a demo. So the
target must be new: a file path where nothing exists yet, or a server database with no tables. The
generator itself also refuses a database holding residents, intakes, tools or loans (``demo.generate``).
"""

from __future__ import annotations

from pathlib import Path

from gridstation.core.rules.errors import DomainError
from gridstation.core.storage import db as dbmod

ADVICE = "演示数据只能生成在新的数据库中，请用 --db 指定一个还不存在的文件。"


def check_new(target: str) -> None:
    """DomainError unless ``target`` is a file that does not exist yet or an empty server database."""
    if not dbmod.is_url(target):
        path = Path(target)
        if path.exists():
            what = "是一个空文件（0 字节）" if path.is_file() and path.stat().st_size == 0 else "已存在"
            raise DomainError(f"{path} {what}，可能是服务站自己的数据。{ADVICE}")
        return
    database = dbmod.open_database(target, create=False)
    try:
        tables = database.get_tables()
    finally:
        dbmod.close_database()
    if tables:
        raise DomainError(f"服务器数据库 {dbmod.describe(target)} 中已有数据表，可能是服务站自己的数据。"
                          "演示数据只能生成在新建的空数据库中。")
