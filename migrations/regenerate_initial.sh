#!/usr/bin/env bash
# Regenerate 0001_initial.py from the models (before the first release only: once a production
# database exists, every change is a new reviewed revision instead).  0002 is hand-written.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
# Every hand-written revision (0002, 0003, …) steps aside and comes back even if autogenerate fails.
mkdir "$tmp/later"
for f in migrations/versions/0*.py; do
  [ "$f" = migrations/versions/0001_initial.py ] || mv "$f" "$tmp/later/"
done
trap 'mv "$tmp"/later/*.py migrations/versions/ 2>/dev/null || true; rm -rf "$tmp"' EXIT
rm -f migrations/versions/0001_initial.py
DATABASE_URL="sqlite:///$tmp/empty.db" SUPERVISION_ENV=testing .venv/bin/flask --app wsgi db revision \
  --autogenerate --rev-id 0001 -m initial >/dev/null
for f in migrations/versions/0001_*.py; do
  [ "$f" = migrations/versions/0001_initial.py ] || mv "$f" migrations/versions/0001_initial.py
done
echo "regenerated migrations/versions/0001_initial.py"
