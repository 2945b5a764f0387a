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

ensure_axe() {
  # axe-core (the accessibility checker injected into pages under test) comes from the npm
  # registry at install time, pinned by package-lock.json.
  if [ ! -f node_modules/axe-core/axe.min.js ]; then
    command -v npm >/dev/null 2>&1 || { echo "npm is needed for the browser journeys (axe-core)"; exit 1; }
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

if [ "${1:-}" = "browser" ]; then
  ensure_axe
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

echo "== browser journeys (headless Chromium; screenshots in test-artifacts/browser/)"
ensure_axe
"$PY" -m pytest -m browser -p no:cacheprovider
