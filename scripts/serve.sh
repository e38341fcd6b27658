#!/usr/bin/env bash
# Serve the demo: background worker + periodic clock + gunicorn on 127.0.0.1:8000.
set -euo pipefail
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.demo}
PY=.venv/bin/python
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
$PY manage.py db_worker --interval 1 >var/worker.log 2>&1 & pids+=($!)
$PY manage.py clock >var/clock.log 2>&1 & pids+=($!)
echo "政采演示平台： http://127.0.0.1:8000/   接口文档： http://127.0.0.1:8000/api/v1/docs"
echo "(worker log var/worker.log, clock log var/clock.log; Ctrl-C stops everything)"
.venv/bin/gunicorn config.wsgi:application --bind "${BIND:-127.0.0.1:8000}" --workers 2 \
  --threads 4 --access-logfile - --env DJANGO_SETTINGS_MODULE="$DJANGO_SETTINGS_MODULE"
