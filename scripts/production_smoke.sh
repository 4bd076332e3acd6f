#!/usr/bin/env bash
# Production smoke test: the production settings started for real, as README's Deploying
# section describes them. A fresh PostgreSQL database (SMOKE_DB, default portal_smoke, dropped
# and made again on the server at 127.0.0.1:5432), Redis at 127.0.0.1:6379 (database
# SMOKE_REDIS_DB, default 13, emptied), S3 from moto's server, a small SMTP sink; migrate and
# collectstatic; gunicorn with 2 workers and `manage.py db_worker`; then
# scripts/production_smoke.py signs in as a contact (password and magic link) and as staff
# and downloads a file. Every process it starts is stopped on exit, whatever happens.
# SMOKE_KEEP_DB=1 reuses the database (and static files) of an earlier run: no drop, no
# migrate, no collectstatic; for working on the checks only.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
SMOKE_DB=${SMOKE_DB:-portal_smoke}
SMOKE_REDIS_DB=${SMOKE_REDIS_DB:-13}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/portal-smoke.XXXXXX")
PIDS=()
T0=$EPOCHREALTIME

elapsed() { awk -v now="$EPOCHREALTIME" -v t0="$T0" 'BEGIN { printf "%5.1f s", now - t0 }'; }
say() { echo "[smoke $(elapsed)] $*"; }

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  # Web and worker first, then the services they use.
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill "${PIDS[i]}" 2>/dev/null || true
    wait "${PIDS[i]}" 2>/dev/null || true
  done
  if [ "$status" != 0 ]; then
    for log in "$WORK"/*.log; do
      [ -s "$log" ] || continue
      echo "----- last lines of $(basename "$log") -----"
      tail -n 25 "$log"
    done
    say "FAILED (exit $status)"
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_port() {  # PORT NAME
  for _ in $(seq 1 100); do
    if "$PY" -c "import socket, sys; sys.exit(socket.socket().connect_ex(('127.0.0.1', $1)))"; then
      return 0
    fi
    sleep 0.1
  done
  echo "$2 does not listen on port $1" >&2
  return 1
}

S3_PORT=$(free_port); SMTP_PORT=$(free_port); WEB_PORT=$(free_port)
BASE_URL="http://127.0.0.1:$WEB_PORT"

export DJANGO_SETTINGS_MODULE=portal_site.settings.production
SECRET_KEY="smoke-$(head -c 96 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1
export PORTAL_BASE_URL="https://127.0.0.1:$WEB_PORT"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$SMOKE_DB"
export REDIS_URL="redis://127.0.0.1:6379/$SMOKE_REDIS_DB"
export AWS_STORAGE_BUCKET_NAME=portal-smoke AWS_ACCESS_KEY_ID=smoke AWS_SECRET_ACCESS_KEY=smoke
export AWS_S3_REGION_NAME=us-east-1 AWS_S3_ENDPOINT_URL="http://127.0.0.1:$S3_PORT"
export EMAIL_HOST=127.0.0.1 EMAIL_PORT="$SMTP_PORT" EMAIL_USE_TLS=false
# Behind one proxy (nginx) that sets X-Forwarded-Proto and X-Forwarded-For; the HTTPS
# redirect stays on.
export PROXY_COUNT=1
export MEDIA_ROOT="$WORK/media" PRIVATE_MEDIA_ROOT="$WORK/private"

say "S3 (moto) on $S3_PORT, SMTP sink on $SMTP_PORT, web on $WEB_PORT"
.venv/bin/moto_server -H 127.0.0.1 -p "$S3_PORT" >"$WORK/moto.log" 2>&1 &
PIDS+=($!)
"$PY" scripts/smtp_sink.py "$SMTP_PORT" "$WORK/mail" >"$WORK/smtp.log" 2>&1 &
PIDS+=($!)

if [ -z "${SMOKE_KEEP_DB:-}" ]; then
  psql -h 127.0.0.1 -U postgres -d postgres -qX -v ON_ERROR_STOP=1 \
    -c "DROP DATABASE IF EXISTS \"$SMOKE_DB\" WITH (FORCE)" -c "CREATE DATABASE \"$SMOKE_DB\""
fi
"$PY" -c "import os, redis; redis.Redis.from_url(os.environ['REDIS_URL']).flushdb()"
wait_port "$S3_PORT" moto_server
"$PY" -c "import boto3, os
boto3.client('s3', endpoint_url=os.environ['AWS_S3_ENDPOINT_URL'], region_name='us-east-1'
             ).create_bucket(Bucket=os.environ['AWS_STORAGE_BUCKET_NAME'])"
say "database $SMOKE_DB made, Redis db $SMOKE_REDIS_DB emptied, bucket made"

COLLECT=""
if [ -z "${SMOKE_KEEP_DB:-}" ]; then
  # collectstatic (compressing every file, the longest step) needs no database: it runs beside
  # migrate and the data loading; gunicorn needs its manifest, so it starts after.
  "$PY" manage.py collectstatic --no-input -v0 >"$WORK/collectstatic.log" 2>&1 &
  COLLECT=$!
  PIDS+=($COLLECT)
  "$PY" manage.py migrate --no-input -v0 >"$WORK/migrate.log" 2>&1 || { cat "$WORK/migrate.log"; exit 1; }
  say "migrate done"
fi
"$PY" scripts/production_smoke.py prepare "$BASE_URL" "$WORK/prepared.json" \
  >"$WORK/prepare.log" 2>&1 || { cat "$WORK/prepare.log"; exit 1; }
say "demo firm, people, two workspaces and a smoke file loaded"
if [ -n "$COLLECT" ]; then
  wait "$COLLECT" || { cat "$WORK/collectstatic.log"; exit 1; }
  say "collectstatic done"
fi

.venv/bin/gunicorn portal_site.wsgi --workers 2 --bind "127.0.0.1:$WEB_PORT" \
  --access-logfile "$WORK/access.log" --error-logfile "$WORK/gunicorn.log" &
PIDS+=($!)
"$PY" manage.py db_worker --interval 0.5 >"$WORK/worker.log" 2>&1 &
PIDS+=($!)
say "gunicorn and db_worker started"

"$PY" scripts/production_smoke.py check "$BASE_URL" "$WORK/prepared.json" "$WORK/mail"
say "passed"
