#!/usr/bin/env bash
# The whole suite, as `make test` runs it:
#   1. lint and migrations in step with the models;
#   2. everything but the browser journeys on PostgreSQL + redis-server (started by the run);
#   3. the database-touching suite again on SQLite, the embedded default;
#   4. the browser journeys in headless Chromium (when the suite has them).
# Any failure, and pytest's "no tests ran" (exit 5), fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export PYTHONPATH="$PWD/platform:$PWD"

if [ "${1:-}" = "browser" ]; then
  exec "$PY" -m pytest -m browser -p no:cacheprovider "${@:2}"
fi

echo "== lint (ruff) and migrations"
"$PY" -m ruff check .
DJANGO_SETTINGS_MODULE=config.settings.test "$PY" manage.py makemigrations --check --dry-run >/dev/null || {
  echo "Models changed without a migration: run 'python manage.py makemigrations'"; exit 1; }

echo "== suite on PostgreSQL and redis-server"
"$PY" -m pytest -m "not browser" -p no:cacheprovider

echo "== database suite on SQLite (the embedded default)"
TEST_DB=sqlite "$PY" -m pytest -q -m "not browser and not postgres and not redis" -p no:cacheprovider

if grep -rqs "pytest.mark.browser" tests/; then
  echo "== browser journeys (headless Chromium)"
  "$PY" -m pytest -m browser -p no:cacheprovider
fi
