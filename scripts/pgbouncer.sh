#!/usr/bin/env bash
# Starts Debian's PgBouncer in transaction mode in front of the local PostgreSQL, for the transaction-pooling tests
# (packages/server/test/db/transaction-pooling.test.ts) and for trying Keel behind it (docs/scaling.md):
#   scripts/pgbouncer.sh start [port] [postgres-port]   → prints the pooler's base URL (postgres://postgres@127.0.0.1:PORT)
#   scripts/pgbouncer.sh stop  [port]
# Every database of the PostgreSQL at 127.0.0.1:postgres-port (default 5432) is reachable through it by name. The server pool is kept small (4 connections per
# database and user) so that concurrent transactions of one client pool really land on different server connections.
set -euo pipefail
action="${1:-start}"
port="${2:-6432}"
target="${3:-5432}"
dir="/tmp/keel-pgbouncer-${port}"
case "$action" in
  start)
    command -v pgbouncer >/dev/null || { echo "pgbouncer is not installed (apt-get install pgbouncer)" >&2; exit 1; }
    [ -f "$dir/pgbouncer.pid" ] && kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null && sleep 0.5 || true
    rm -rf "$dir" && mkdir -p "$dir"
    printf '"postgres" ""\n"keel_app" ""\n' > "$dir/userlist.txt"
    cat > "$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=${target}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir = ${dir}
auth_type = trust
auth_file = ${dir}/userlist.txt
admin_users = postgres
pool_mode = transaction
default_pool_size = 4
max_client_conn = 1000
max_db_connections = 0
ignore_startup_parameters = extra_float_digits,options
logfile = ${dir}/pgbouncer.log
pidfile = ${dir}/pgbouncer.pid
INI
    # PgBouncer refuses to run as root: as root it runs as the postgres user.
    if [ "$(id -u)" = 0 ]; then chown -R postgres "$dir"; user=(-u postgres); else user=(); fi
    pgbouncer -d "${user[@]}" "$dir/pgbouncer.ini"
    for _ in $(seq 1 50); do pg_isready -h 127.0.0.1 -p "$port" -q && break; sleep 0.1; done
    pg_isready -h 127.0.0.1 -p "$port" -q || { echo "pgbouncer did not start; see $dir/pgbouncer.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:${port}"
    ;;
  stop)
    [ -f "$dir/pgbouncer.pid" ] && kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true
    ;;
  *) echo "usage: scripts/pgbouncer.sh start|stop [port]" >&2; exit 2 ;;
esac
