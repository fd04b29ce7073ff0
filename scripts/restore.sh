#!/bin/sh
# Restore a backup of scripts/backup.sh into an empty PostgreSQL database and an empty (or
# missing) upload folder, then check every stored file against the SHA-256 its row records
# (docs/deployment.md, "Restore"). Stop the app servers and workers first.
#
#   DATABASE_URL=postgresql+psycopg://centerflow@db/centerflow_restored \
#   UPLOAD_DIR=/srv/centerflow/uploads-restored \
#       scripts/restore.sh /var/backups/centerflow/centerflow-20260105T020000Z
set -eu

backup=${1:?usage: scripts/restore.sh BACKUP_FOLDER}
: "${DATABASE_URL:?DATABASE_URL is not set: the (empty) database to restore into}"
: "${UPLOAD_DIR:?UPLOAD_DIR is not set: the (empty) upload folder to restore into}"
case $DATABASE_URL in
    postgresql*) ;;
    *) echo "restore.sh restores into PostgreSQL; DATABASE_URL is $DATABASE_URL" >&2; exit 2 ;;
esac
url=$(printf '%s' "$DATABASE_URL" | sed 's|^postgresql+[a-z0-9]*://|postgresql://|')
here=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$here/.venv/bin/python}

(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || {
    echo "$backup is damaged: its files do not match SHA256SUMS" >&2; exit 1; }
if [ -d "$UPLOAD_DIR" ] && [ -n "$(ls -A "$UPLOAD_DIR")" ]; then
    echo "UPLOAD_DIR $UPLOAD_DIR is not empty: restore into an empty folder" >&2; exit 2
fi
tables=$(psql --no-psqlrc --tuples-only --no-align --dbname "$url" \
    --command "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != 0 ]; then
    echo "the database of DATABASE_URL has tables: restore into an empty database" >&2; exit 2
fi

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
    --dbname "$url" "$backup/database.dump"
mkdir -p "$UPLOAD_DIR"
tar -C "$UPLOAD_DIR" -xf "$backup/uploads.tar"
cd "$here"
"$python" -m workflow.serving.stored_files
