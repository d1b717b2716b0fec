#!/usr/bin/env bash
# PostgreSQL for the tests: 127.0.0.1:5432, user postgres with trust auth, database "test".
# Installs Debian's package when the server is missing, starts the cluster when it is stopped,
# and creates the database when it is absent. Does nothing on a machine that already has it.
set -euo pipefail

if ! command -v pg_ctlcluster >/dev/null; then
  echo "PostgreSQL is not installed: installing Debian's postgresql package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q postgresql
fi

version="$(ls /etc/postgresql | sort -V | tail -n1)"
hba="/etc/postgresql/${version}/main/pg_hba.conf"
if ! grep -Eq '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$hba"; then
  # The tests connect as postgres without a password over loopback.
  sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nlocal all all trust' "$hba"
  restart=1
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
elif [ "${restart:-0}" = 1 ]; then
  pg_ctlcluster --skip-systemctl-redirect "$version" main reload
fi
for _ in $(seq 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done

if ! psql -h 127.0.0.1 -U postgres -Atc "SELECT 1 FROM pg_database WHERE datname = 'test'" \
    | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE test'
fi
