#!/bin/sh
# Creates Temporal's two databases on the shared PostgreSQL and brings their
# schemas up to date. Safe to run on every `docker compose up`.
set -eu
tool() { temporal-sql-tool --plugin postgres12 --ep postgres -p 5432 -u "$POSTGRES_USER" --pw "$POSTGRES_PWD" "$@"; }
for db in temporal temporal_visibility; do
  if tool --db "$db" create; then
    tool --db "$db" setup-schema -v 0.0
  fi
done
tool --db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned
tool --db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned
echo 'Temporal schemas are up to date'
