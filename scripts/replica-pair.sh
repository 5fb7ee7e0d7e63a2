#!/usr/bin/env bash
# A throwaway PostgreSQL primary and its streaming replica (Debian's PostgreSQL binaries, pg_basebackup), for the
# read-replica tests (packages/server/test/db/read-replica.test.ts) and for trying DATABASE_READ_URL locally:
#   scripts/replica-pair.sh start [primary-port] [replica-port]   → prints two URLs: the primary's, the replica's
#   scripts/replica-pair.sh stop  [primary-port] [replica-port]
# Both clusters live under /tmp/keel-replica-<primary-port>, trust authentication on 127.0.0.1 only.
set -euo pipefail
action="${1:-start}"
primary_port="${2:-5441}"
replica_port="${3:-5442}"
root="/tmp/keel-replica-${primary_port}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
[ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; exit 1; }
# PostgreSQL refuses to run as root: as root every step runs as the postgres user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop() {
  for d in "$root/replica" "$root/primary"; do
    [ -f "$d/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$d" -m immediate stop >/dev/null 2>&1 || true
  done
}
case "$action" in
  start)
    stop
    rm -rf "$root" && mkdir -p "$root"
    [ "$(id -u)" = 0 ] && chown postgres "$root"
    as_pg "$bin/initdb" -D "$root/primary" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$root/primary/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = ${primary_port}
unix_socket_directories = '${root}'
wal_level = replica
max_wal_senders = 4
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    echo "host replication postgres 127.0.0.1/32 trust" >> "$root/primary/pg_hba.conf"
    as_pg "$bin/pg_ctl" -D "$root/primary" -l "$root/primary.log" -w start >/dev/null
    as_pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$root/replica" -R -X stream >/dev/null
    sed -i "s/^port = ${primary_port}/port = ${replica_port}/" "$root/replica/postgresql.conf"
    as_pg "$bin/pg_ctl" -D "$root/replica" -l "$root/replica.log" -w start >/dev/null
    echo "postgres://postgres@127.0.0.1:${primary_port}/postgres"
    echo "postgres://postgres@127.0.0.1:${replica_port}/postgres"
    ;;
  stop)
    stop
    ;;
  *) echo "usage: scripts/replica-pair.sh start|stop [primary-port] [replica-port]" >&2; exit 2 ;;
esac
