#!/usr/bin/env bash
# Make sure PostgreSQL and NATS JetStream are reachable for a local run or CI.
# - If DATABASE_URL / NATS_URL point at servers that answer, nothing is done.
# - Otherwise, on a Debian machine as root, install Debian's `postgresql` and `nats-server` packages if
#   missing and start local servers on 127.0.0.1:5432 and 127.0.0.1:4222 (JetStream on).
# The database itself is created by the services on start (and migrations applied).
set -euo pipefail

pg_host=127.0.0.1; pg_port=5432
nats_host=127.0.0.1; nats_port=4222
if [[ -n "${DATABASE_URL:-}" ]]; then
  pg_host=$(node -e 'const u=new URL(process.argv[1]);console.log(u.hostname)' "$DATABASE_URL")
  pg_port=$(node -e 'const u=new URL(process.argv[1]);console.log(u.port||5432)' "$DATABASE_URL")
fi
if [[ -n "${NATS_URL:-}" ]]; then
  first=${NATS_URL%%,*}
  nats_host=$(node -e 'const u=new URL(process.argv[1]);console.log(u.hostname)' "$first")
  nats_port=$(node -e 'const u=new URL(process.argv[1]);console.log(u.port||4222)' "$first")
fi

listening() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_for() {
  for _ in $(seq 1 60); do listening "$1" "$2" && return 0; sleep 0.5; done
  echo "ensure-local: $3 did not start on $1:$2" >&2; return 1
}
is_local() { [[ "$1" == 127.0.0.1 || "$1" == localhost ]]; }
apt_updated=
apt_install() {
  if [[ $(id -u) -ne 0 ]]; then echo "ensure-local: need root to install $*" >&2; return 1; fi
  [[ -n "$apt_updated" ]] || { apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if listening "$pg_host" "$pg_port"; then
  echo "ensure-local: PostgreSQL answers on $pg_host:$pg_port"
elif is_local "$pg_host"; then
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  version=$(ls /etc/postgresql | sort -V | tail -1)
  if [[ -z "$version" ]]; then echo "ensure-local: no PostgreSQL cluster found" >&2; exit 1; fi
  # Trust local connections so that postgres@127.0.0.1 works without a password (development only).
  hba=/etc/postgresql/$version/main/pg_hba.conf
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_for "$pg_host" "$pg_port" PostgreSQL
  echo "ensure-local: started PostgreSQL $version"
else
  echo "ensure-local: PostgreSQL at $pg_host:$pg_port does not answer" >&2; exit 1
fi

if listening "$nats_host" "$nats_port"; then
  echo "ensure-local: NATS answers on $nats_host:$nats_port"
elif is_local "$nats_host"; then
  command -v nats-server >/dev/null || [[ -x /usr/sbin/nats-server ]] || apt_install nats-server
  bin=$(command -v nats-server || echo /usr/sbin/nats-server)
  # One store directory per port: never share JetStream storage with another server.
  store=/var/lib/nats-server; [[ "$nats_port" == 4222 ]] || store="/var/lib/nats-server-$nats_port"
  mkdir -p "$store"
  start-stop-daemon --start --background --pidfile "/run/nats-server-$nats_port.pid" --make-pidfile --exec "$bin" -- \
    -a 127.0.0.1 -p "$nats_port" -js -sd "$store" -l "/var/log/nats-server-$nats_port.log"
  wait_for "$nats_host" "$nats_port" NATS
  echo "ensure-local: started NATS with JetStream"
else
  echo "ensure-local: NATS at $nats_host:$nats_port does not answer" >&2; exit 1
fi
