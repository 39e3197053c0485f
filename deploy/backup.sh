#!/bin/sh
# Nightly backup (rose-ash-backup.timer): a pg_dump of each database and a git bundle of the
# content repository, the only two things that cannot be rebuilt (build/ is made from the
# content; the code is in its own repository). Restore: docs/deploy.md.
set -eu
: "${BACKUP_DIR:?}" "${DATABASES:?}" "${CONTENT_REPO:?}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
target="$BACKUP_DIR/$stamp"
mkdir -p "$target"
for db in $DATABASES; do
  pg_dump --format=custom --file="$target/$db.dump" "$db"
done
git -C "$CONTENT_REPO" bundle create "$target/content.bundle" --all
find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -mtime +"${KEEP_DAYS:-30}" -exec rm -rf {} +
echo "backup written to $target"
