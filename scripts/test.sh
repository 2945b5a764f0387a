#!/usr/bin/env bash
# The whole suite, as `make test` runs it:
#   1. lint and migrations in step with the models;
#   2. everything but the browser journeys on PostgreSQL + redis-server (started by the run);
#   3. the database-touching suite again on SQLite, the embedded default (alongside step 2);
#   4. the browser journeys in headless Chromium; where Chromium or npm is missing they are
#      skipped with the reason (a failure with CI=true or REQUIRE_SERVICES=1).
# Any failure, and pytest's "no tests ran" (exit 5), fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export PYTHONPATH="$PWD/platform:$PWD"

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"  # the browser tests read the same variable

required() {
  # As for PostgreSQL and redis-server: on a laptop what is missing is skipped, in CI it fails.
  [ "${CI:-}" = "true" ] || [ "${REQUIRE_SERVICES:-}" = "1" ]
}

browser_ready() {
  # The journeys need Debian's Chromium and axe-core (the accessibility checker injected into
  # pages under test; from the npm registry, pinned by package-lock.json, see install_axe).
  # Returns 1 after saying why when one is missing and may be skipped; exits 1 when it must
  # not be. (Only checks: `set -e` does not apply inside a function called as a condition.)
  local reason=""
  if [ ! -e "$CHROMIUM" ]; then
    reason="Chromium not found at $CHROMIUM (install Debian's chromium, or set CHROMIUM)"
  elif [ ! -f node_modules/axe-core/axe.min.js ] && ! command -v npm >/dev/null 2>&1; then
    reason="npm not found (it installs axe-core from package-lock.json; install nodejs and npm)"
  fi
  if [ -n "$reason" ]; then
    if required; then
      echo "Browser journeys cannot run: $reason. CI must run them, not skip them." >&2
      exit 1
    fi
    echo "== browser journeys SKIPPED: $reason."
    echo "   (With CI=true or REQUIRE_SERVICES=1 this is a failure; .ci/run installs both.)"
    return 1
  fi
}

install_axe() {
  if [ ! -f node_modules/axe-core/axe.min.js ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

if [ "${1:-}" = "browser" ]; then
  browser_ready || exit 0
  install_axe
  exec "$PY" -m pytest -m browser -p no:cacheprovider "${@:2}"
fi

echo "== lint (ruff) and migrations"
"$PY" -m ruff check .
DJANGO_SETTINGS_MODULE=config.settings.test "$PY" manage.py makemigrations --check --dry-run >/dev/null || {
  echo "Models changed without a migration: run 'python manage.py makemigrations'"; exit 1; }

# The SQLite run shares nothing with the PostgreSQL one (an in-memory database, its own
# process), so it runs alongside it on the second core; its output follows, whole, when both
# are done. Either failing fails the run.
sqlite_log="$(mktemp -t rainmaker-sqlite-XXXXXX.log)"
trap 'rm -f "$sqlite_log"; kill $(jobs -p) 2>/dev/null || true' EXIT
TEST_DB=sqlite "$PY" -m pytest -q -m "not browser and not postgres and not redis" -p no:cacheprovider \
  >"$sqlite_log" 2>&1 &
sqlite_pid=$!

echo "== suite on PostgreSQL and redis-server (the SQLite run goes on alongside)"
pg_status=0
"$PY" -m pytest -m "not browser" -p no:cacheprovider || pg_status=$?

sqlite_status=0
wait "$sqlite_pid" || sqlite_status=$?
echo "== database suite on SQLite (the embedded default)"
cat "$sqlite_log"
if [ "$pg_status" -ne 0 ] || [ "$sqlite_status" -ne 0 ]; then
  echo "Suite failed: PostgreSQL run exit $pg_status, SQLite run exit $sqlite_status" >&2
  exit 1
fi

if browser_ready; then
  echo "== browser journeys (headless Chromium; screenshots in test-artifacts/browser/)"
  install_axe
  "$PY" -m pytest -m browser -p no:cacheprovider
fi
