#!/bin/sh
# Back up Centerflow: the PostgreSQL database (pg_dump, custom format) and the upload folder
# (tar), into a new folder with the SHA-256 of both (docs/deployment.md, "Backups").
#
#   DATABASE_URL=postgresql+psycopg://centerflow@db/centerflow UPLOAD_DIR=/srv/centerflow/uploads \
#       scripts/backup.sh /var/backups/centerflow
#
# Prints the folder it made: BACKUP_ROOT/centerflow-YYYYMMDDTHHMMSSZ. The database is dumped
# first, then the files: a file is written before the row that names it is committed and is
# never changed or deleted, so every file a dumped row names is in the archive (files stored
# meanwhile are there too, named by no row: harmless).
set -eu

root=${1:?usage: scripts/backup.sh BACKUP_ROOT}
: "${DATABASE_URL:?DATABASE_URL is not set: the database to back up}"
: "${UPLOAD_DIR:?UPLOAD_DIR is not set: the upload folder to back up}"
case $DATABASE_URL in
    postgresql*) ;;
    *) echo "backup.sh backs up PostgreSQL; DATABASE_URL is $DATABASE_URL" >&2; exit 2 ;;
esac
[ -d "$UPLOAD_DIR" ] || { echo "UPLOAD_DIR $UPLOAD_DIR is not a folder" >&2; exit 2; }
# libpq does not know SQLAlchemy's driver suffix (postgresql+psycopg://).
url=$(printf '%s' "$DATABASE_URL" | sed 's|^postgresql+[a-z0-9]*://|postgresql://|')

folder="$root/centerflow-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$root"
mkdir "$folder.partial"
pg_dump --format=custom --no-owner --no-privileges --file "$folder.partial/database.dump" "$url"
tar -C "$UPLOAD_DIR" -cf "$folder.partial/uploads.tar" .
(cd "$folder.partial" && sha256sum database.dump uploads.tar > SHA256SUMS)
# Only a complete backup gets its final name.
mv "$folder.partial" "$folder"
echo "$folder"
