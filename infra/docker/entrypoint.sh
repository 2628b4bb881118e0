#!/bin/sh
# The image's entry point: `docker run riskloop <what> [args...]`.
#   <service>        one of services/* (gateway, registry, trigger-router, runner, relay, kri-emitter, interview)
#   migrate          apply every service's migrations to DATABASE_URL, then exit
#   riskloop <args>  the operator CLI (tenant create, keys rotate, audit verify, ...)
# Each runs as the container's only process (exec), so SIGTERM reaches Node's shutdown sequence.
set -eu
cd /app

usage() {
  echo "usage: <service> | migrate | riskloop <args>" >&2
  echo "services: $(ls services | tr '\n' ' ')" >&2
}

what="${1:-help}"
[ "$#" -gt 0 ] && shift
case "$what" in
  migrate) exec node --import tsx infra/migrate.ts "$@" ;;
  riskloop | cli) exec node services/gateway/bin/riskloop.js "$@" ;;
  help | -h | --help) usage; exit 0 ;;
  *[!a-z-]*) usage; exit 64 ;;
esac
if [ ! -f "services/$what/src/main.ts" ]; then
  echo "unknown service: $what" >&2
  usage
  exit 64
fi
exec node --import tsx "services/$what/src/main.ts" "$@"
