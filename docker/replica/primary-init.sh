#!/bin/sh
# Run once by the postgres image when the primary's volume is first initialised
# (/docker-entrypoint-initdb.d): a role that may stream the WAL to a replica, and the pg_hba
# line that lets it, when POSTGRES_REPLICATION_PASSWORD is set (the `replica` profile).
set -eu
if [ -z "${POSTGRES_REPLICATION_PASSWORD:-}" ]; then
  echo "POSTGRES_REPLICATION_PASSWORD not set: no replication role" >&2
  exit 0
fi
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v password="$POSTGRES_REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'password';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
