#!/usr/bin/env bash
# Lets the local PostgreSQL cluster serve streaming replication to 127.0.0.1 (the read-replica
# test starts a replica with pg_basebackup -R). Idempotent: adds one pg_hba.conf line if it is
# missing and reloads; checks wal_level and max_wal_senders (the Debian defaults, replica and 10,
# already allow it). Run as root or as the postgres user. Not for production: there, replication
# is set up with its own user and password (docs/deploy.md, "Read replica").
set -euo pipefail
PSQL=(psql -h 127.0.0.1 -U postgres -Atqc)
hba=$("${PSQL[@]}" "show hba_file")
line="host replication all 127.0.0.1/32 trust"
if ! grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$hba"; then
  printf '\n# e-PMS read-replica test (scripts/pg_allow_replication.sh)\n%s\n' "$line" >>"$hba"
  "${PSQL[@]}" "select pg_reload_conf()" >/dev/null
  echo "pg_hba.conf: replication from 127.0.0.1 allowed"
fi
level=$("${PSQL[@]}" "show wal_level")
senders=$("${PSQL[@]}" "show max_wal_senders")
if [ "$level" = "minimal" ] || [ "$senders" -lt 2 ]; then
  "${PSQL[@]}" "alter system set wal_level = 'replica'" >/dev/null
  "${PSQL[@]}" "alter system set max_wal_senders = 10" >/dev/null
  echo "wal_level/max_wal_senders changed: restart PostgreSQL for them to apply" >&2
  exit 1
fi
