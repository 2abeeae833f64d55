#!/bin/sh
# Container entry point (docs/operations.md). First argument:
#   api (default)  migrate under the lock, then serve the API with uvicorn
#   worker         migrate under the lock, then run the referral delivery worker (python -m app worker)
#   migrate        only migrate (a one-off job before a rollout), then exit
#   anything else  run as given, e.g. `python -m app purge` or `python -m app clients list`
#
# Migrations run under a PostgreSQL advisory lock (python -m app.devtools.migrate_lock): when
# several replicas start at once, one migrates and the others wait and then find the schema at
# head. MIGRATE_ON_START=false skips the step (when a separate `migrate` job does it).
#
# Environment: PORT (8000), WEB_CONCURRENCY (2 uvicorn worker processes), FORWARDED_ALLOW_IPS
# (127.0.0.1: the addresses of the load balancer(s) whose X-Forwarded-For is believed),
# MIGRATE_LOCK_TIMEOUT (600 s), DB_WAIT_TIMEOUT (60 s); the service's own WEGWIJZER_* and
# DATABASE_URL as in app/config.py.
set -eu

# The project root (/srv/wegwijzer in the image): app/, routing_rules/, migrations/, pyproject.toml.
cd "$(dirname "$0")/.."

migrate() {
  python -m app.devtools.migrate_lock \
    --timeout "${MIGRATE_LOCK_TIMEOUT:-600}" --wait "${DB_WAIT_TIMEOUT:-60}" "$@"
}

migrate_on_start() {
  case "${MIGRATE_ON_START:-true}" in
    false|0|no) echo "entrypoint: MIGRATE_ON_START=${MIGRATE_ON_START}: not migrating" >&2 ;;
    *) migrate ;;
  esac
}

cmd="${1:-api}"
[ "$#" -gt 0 ] && shift

case "$cmd" in
  api|serve)
    migrate_on_start
    # /metrics adds up every worker process (prometheus_client multiprocess mode); the
    # directory is emptied at each start so counters of earlier runs do not linger.
    PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-/tmp/wegwijzer-metrics}"
    rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    export PROMETHEUS_MULTIPROC_DIR
    exec uvicorn app.main:app --host 0.0.0.0 --port "${PORT:-8000}" \
      --workers "${WEB_CONCURRENCY:-2}" --http app.server:BoundedHttpToolsProtocol --proxy-headers \
      --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" "$@"
    ;;
  worker)
    migrate_on_start
    exec python -m app worker "$@"
    ;;
  migrate)
    migrate "$@"
    ;;
  *)
    exec "$cmd" "$@"
    ;;
esac
