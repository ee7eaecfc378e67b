#!/usr/bin/env bash
# Build the sandbox image without any registry:
#   1. debootstrap a minimal Debian bookworm root filesystem with python3 (once; ~1 min),
#   2. `docker import` it as chartroom-sandbox-base:bookworm,
#   3. download the pinned wheels on this host (its pip reaches the package index), and
#   4. `docker build` the runner layer on top, offline (sandbox/image/offline.Dockerfile).
# Skips everything when the image's chartroom.hash label matches the runner and requirements.
set -euo pipefail
cd "$(dirname "$0")/.."

image=${SANDBOX_IMAGE:-chartroom-sandbox:latest}
base=chartroom-sandbox-base:bookworm
python=${PYTHON:-.venv/bin/python}
[ -x "$python" ] || python=python3

hash=$(cat sandbox/runner.py sandbox/requirements.txt sandbox/image/offline.Dockerfile \
  | sha256sum | cut -c1-16)
current=$(docker image inspect "$image" --format '{{ index .Config.Labels "chartroom.hash" }}' \
  2>/dev/null || true)
if [ "$current" = "$hash" ]; then
  echo "sandbox image $image is up to date ($hash)"
  exit 0
fi

if ! docker image inspect "$base" >/dev/null 2>&1; then
  command -v debootstrap >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  }
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' EXIT
  echo "sandbox image: debootstrap bookworm into $rootfs"
  debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
    bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import - "$base" >/dev/null
  echo "sandbox image: imported $base"
fi

context=$(mktemp -d)
trap 'rm -rf "$context" ${rootfs:+"$rootfs"}' EXIT
"$python" -m pip download -q --only-binary=:all: -r sandbox/requirements.txt -d "$context/wheels"
cp sandbox/requirements.txt "$context/wheels/requirements.txt"
cp sandbox/runner.py "$context/runner.py"
docker build -q -f sandbox/image/offline.Dockerfile --label "chartroom.hash=$hash" \
  -t "$image" "$context" >/dev/null
echo "sandbox image: built $image ($hash)"
