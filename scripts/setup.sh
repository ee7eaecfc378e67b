#!/usr/bin/env bash
# Set up a machine for Chartroom: Debian packages it needs, and the virtualenv at .venv.
# Idempotent and quick when everything is already there. Usage: scripts/setup.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
if [ "$want_test" -eq 1 ]; then
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  command -v pg_isready >/dev/null 2>&1 || missing+=(postgresql)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$python" -m venv .venv
fi
# Reinstall only when pyproject.toml changed since the last install.
stamp=.venv/.chartroom-installed
digest=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
  echo "setup: installing Python dependencies (pinned in pyproject.toml)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  echo "$digest" > "$stamp"
fi

if [ "$want_test" -eq 1 ] && ! (command -v redis-cli >/dev/null && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1); then
  echo "setup: starting redis-server on 127.0.0.1:6379"
  mkdir -p /tmp/chartroom-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp/chartroom-redis --logfile /tmp/chartroom-redis/redis.log
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

if [ "$want_test" -eq 1 ] && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  # The multi-workspace tests create and drop their own databases as user postgres over TCP.
  echo "setup: starting PostgreSQL on 127.0.0.1:5432"
  version=$(ls /etc/postgresql | sort -V | tail -1)
  hba=/etc/postgresql/$version/main/pg_hba.conf
  grep -q "chartroom tests" "$hba" ||
    as_root sed -i "1i host all postgres 127.0.0.1/32 trust  # chartroom tests" "$hba"
  as_root pg_ctlcluster "$version" main start || as_root pg_ctlcluster "$version" main reload
  for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
fi

if [ "$want_test" -eq 1 ]; then
  if ! docker info >/dev/null 2>&1; then
    echo "setup: starting dockerd"
    mkdir -p /tmp/chartroom-dockerd
    (dockerd >/tmp/chartroom-dockerd/dockerd.log 2>&1 &)
    for _ in $(seq 1 100); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
    docker info >/dev/null 2>&1 || { echo "setup: dockerd did not start" >&2; tail -20 /tmp/chartroom-dockerd/dockerd.log >&2; exit 1; }
  fi
  # Builds without a registry (debootstrap + docker import); a no-op when up to date.
  scripts/build-sandbox-image.sh
fi
