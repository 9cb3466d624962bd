#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests: Debian's postgresql package, a new cluster in a
# temporary folder, listening on loopback only, trusted local logins, byte-wise collation.
#
#   eval "$(.ci/start-postgres.sh)"          start; prints the export lines for the tests
#   .ci/start-postgres.sh stop DATA_DIR      stop that cluster and delete its folder
#
# Prints (on stdout, nothing else):
#   export GRIDSTATION_TEST_PG=postgresql://gridstation@127.0.0.1:PORT/gridstation_test
#   export GRIDSTATION_TEST_PG_DATA=/tmp/gridstation-pg.XXXXXX
# The database is created from template0 with LC_COLLATE C, as GridStation needs (its indexed
# prefix searches compare strings byte by byte, like SQLite). Port: GRIDSTATION_TEST_PG_PORT or 54329.
# The cluster runs as the calling user, or as the "postgres" system user when called as root
# (PostgreSQL refuses to run as root).
set -euo pipefail

PORT="${GRIDSTATION_TEST_PG_PORT:-54329}"
SUPERUSER=gridstation
DBNAME=gridstation_test

pg_bindir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "PostgreSQL 未安装：请运行 sudo apt-get install postgresql" >&2
      exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >&2
    dir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  fi
  echo "$dir"
}

as_owner() {
  # Run a command as the cluster's owner: ourselves, or "postgres" when we are root.
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [ "${1:-start}" = "stop" ]; then
  data="${2:?usage: $0 stop DATA_DIR}"
  bin="$(pg_bindir)"
  as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >&2 || true
  rm -rf "$data"
  exit 0
fi

bin="$(pg_bindir)"
if "$bin/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
  echo "端口 $PORT 上已有 PostgreSQL 在运行；请先停止它，或设置 GRIDSTATION_TEST_PG_PORT。" >&2
  exit 1
fi
data="$(mktemp -d /tmp/gridstation-pg.XXXXXX)"
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$data"
fi
as_owner "$bin/initdb" -D "$data" -U "$SUPERUSER" --auth=trust --encoding=UTF8 --locale=C >"$data.initdb.log" 2>&1 \
  || { cat "$data.initdb.log" >&2; exit 1; }
rm -f "$data.initdb.log"
as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
  -o "-k /tmp -h 127.0.0.1 -p $PORT -c max_connections=200" start >&2 \
  || { cat "$data/server.log" >&2; exit 1; }
"$bin/createdb" -h 127.0.0.1 -p "$PORT" -U "$SUPERUSER" --template=template0 --encoding=UTF8 \
  --lc-collate=C --lc-ctype=C "$DBNAME"

echo "export GRIDSTATION_TEST_PG=postgresql://$SUPERUSER@127.0.0.1:$PORT/$DBNAME"
echo "export GRIDSTATION_TEST_PG_DATA=$data"
