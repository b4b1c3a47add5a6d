#!/usr/bin/env bash
# Installs (when possible) and starts the throwaway servers the test suites need, on loopback:
# a PostgreSQL 15 cluster and a local S3-compatible server (moto). Prints the environment
# variables to export. Fails loudly, with the command to run, when something cannot be set up.
# Usage: eval "$(scripts/services.sh start)"   |   scripts/services.sh stop
set -euo pipefail

RUN_DIR=${MDS_TEST_RUN_DIR:-/tmp/mds-test-services}
PG_PORT=${MDS_TEST_PG_PORT:-55432}
S3_PORT=${MDS_TEST_S3_PORT:-59000}
PG_BIN=/usr/lib/postgresql/15/bin

die() { echo "services.sh: $*" >&2; exit 1; }
as_root() { [ "$(id -u)" = 0 ]; }

ensure_postgres() {
  [ -x "$PG_BIN/initdb" ] && return 0
  as_root || die "PostgreSQL 15 is missing. Install it with: sudo apt-get update && sudo apt-get install -y postgresql"
  echo "installing PostgreSQL (apt-get)…" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2 \
    || die "apt-get install postgresql failed"
}

ensure_moto() {
  command -v moto_server >/dev/null 2>&1 && return 0
  echo "installing moto[server] (pip)…" >&2
  python3 -m pip install -q 'moto[server]>=5,<6' >&2 \
    || die "moto is missing and could not be installed. Install it with: python3 -m pip install 'moto[server]>=5,<6'"
  hash -r
  command -v moto_server >/dev/null 2>&1 || die "moto_server is not on PATH after installation"
}

# The notification tests start their own SMTP server (aiosmtpd, with scripts/smtp_sink.py).
ensure_aiosmtpd() {
  python3 -c 'import aiosmtpd' >/dev/null 2>&1 && return 0
  echo "installing aiosmtpd (pip)…" >&2
  python3 -m pip install -q 'aiosmtpd>=1.4,<2' >&2 \
    || { as_root && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd) >&2; } \
    || die "aiosmtpd is missing and could not be installed. Install it with: python3 -m pip install aiosmtpd (or apt-get install python3-aiosmtpd)"
  python3 -c 'import aiosmtpd' >/dev/null 2>&1 || die "aiosmtpd is not importable after installation"
}

# The metrics test parses /metrics with the reference Prometheus text-format parser
# (scripts/prometheus_parse.py).
ensure_prometheus_client() {
  python3 -c 'import prometheus_client' >/dev/null 2>&1 && return 0
  echo "installing prometheus_client (pip)…" >&2
  python3 -m pip install -q 'prometheus_client>=0.20,<1' >&2 \
    || { as_root && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-prometheus-client) >&2; } \
    || die "prometheus_client is missing and could not be installed. Install it with: python3 -m pip install prometheus_client (or apt-get install python3-prometheus-client)"
  python3 -c 'import prometheus_client' >/dev/null 2>&1 || die "prometheus_client is not importable after installation"
}

pg_run() {
  if as_root; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

start_postgres() {
  local data="$RUN_DIR/pg"
  if ! pg_run "$PG_BIN/pg_ctl -D '$data' status" >/dev/null 2>&1; then
    rm -rf "$data"; mkdir -p "$data"
    as_root && chown -R postgres:postgres "$RUN_DIR/pg"
    pg_run "$PG_BIN/initdb -D '$data' -U postgres -A trust --no-sync" >"$RUN_DIR/initdb.log" 2>&1 \
      || die "initdb failed, see $RUN_DIR/initdb.log"
    pg_run "$PG_BIN/pg_ctl -D '$data' -l '$data/server.log' -w -o \"-c listen_addresses=127.0.0.1 -p $PG_PORT -k /tmp -c fsync=off -c max_connections=300\" start" >&2 \
      || die "PostgreSQL did not start, see $data/server.log"
  fi
}

start_s3() {
  if ! curl -fs "http://127.0.0.1:$S3_PORT/moto-api/" >/dev/null 2>&1; then
    nohup moto_server -H 127.0.0.1 -p "$S3_PORT" >"$RUN_DIR/moto.log" 2>&1 &
    echo $! >"$RUN_DIR/moto.pid"
    for _ in $(seq 1 60); do
      curl -fs "http://127.0.0.1:$S3_PORT/moto-api/" >/dev/null 2>&1 && return 0
      sleep 0.5
    done
    die "the S3 server (moto) did not answer on 127.0.0.1:$S3_PORT, see $RUN_DIR/moto.log"
  fi
}

# Each test creates its own database; drop those of earlier runs so disk use stays bounded.
drop_old_test_databases() {
  local url="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
  psql -qAt "$url" -c "SELECT 'DROP DATABASE ' || quote_ident(datname) || ';' FROM pg_database WHERE datname LIKE 'mds_test_%' OR datname LIKE 'mds_bench_%'" \
    | psql -q "$url" >/dev/null 2>&1 || true
}

case "${1:-start}" in
  start)
    mkdir -p "$RUN_DIR"; chmod 755 "$RUN_DIR"
    ensure_postgres; ensure_moto; ensure_aiosmtpd; ensure_prometheus_client
    start_postgres; start_s3
    drop_old_test_databases
    echo "export MDS_TEST_PG_URL=postgres://postgres@127.0.0.1:$PG_PORT/postgres"
    echo "export MDS_TEST_S3_ENDPOINT=http://127.0.0.1:$S3_PORT"
    ;;
  stop)
    pg_run "$PG_BIN/pg_ctl -D '$RUN_DIR/pg' -m fast stop" >/dev/null 2>&1 || true
    [ -f "$RUN_DIR/moto.pid" ] && kill "$(cat "$RUN_DIR/moto.pid")" 2>/dev/null || true
    ;;
  *) die "usage: $0 start|stop" ;;
esac
