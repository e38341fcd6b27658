#!/usr/bin/env bash
# Make sure the PostgreSQL named by the URL answers; start the local cluster if it is
# installed and stopped; create the database if it does not exist.
set -euo pipefail
url="$1"
rest="${url#*://}"; creds="${rest%%@*}"; hostpart="${rest#*@}"
user="${creds%%:*}"; hostport="${hostpart%%/*}"; db="${hostpart#*/}"; db="${db%%\?*}"
host="${hostport%%:*}"; port="${hostport##*:}"; [ "$port" = "$hostport" ] && port=5432
if ! pg_isready -q -h "$host" -p "$port" 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    for v in $(ls /etc/postgresql); do
      pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
    done
  fi
  for _ in $(seq 1 30); do pg_isready -q -h "$host" -p "$port" && break; sleep 1; done
fi
pg_isready -h "$host" -p "$port" || { echo "PostgreSQL at $host:$port is not reachable"; exit 1; }
if ! psql -h "$host" -p "$port" -U "$user" -d postgres -tAc "select 1 from pg_database where datname='$db'" | grep -q 1; then
  createdb -h "$host" -p "$port" -U "$user" "$db"
fi
