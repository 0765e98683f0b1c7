#!/bin/sh
# The `postgres-replica` service: on an empty volume, a base backup of the primary with its
# recovery settings (pg_basebackup -R: standby.signal and primary_conninfo), then a hot standby
# that streams the primary's WAL and answers read-only queries.
set -eu
: "${PGPASSWORD:?set POSTGRES_REPLICATION_PASSWORD in .env for the replica profile}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_basebackup -h "${PRIMARY_HOST:-postgres}" -U replicator -D "$PGDATA" \
      -R -X stream -c fast; do
    echo "primary not ready for a base backup, retrying" >&2
    rm -rf "${PGDATA:?}"/*
    sleep 2
  done
  chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on
