#!/usr/bin/env bash
# Builds, with no container registry, the images agentup's Docker tests need:
# a minimal Debian root file system from debootstrap imported as a base, then
# stand-ins for redis:7, postgres (15, for postgres:16), node:20 and testcontainers/sshd built FROM
# it with Debian's packages. Prints the variables that point agentup at them.
# Idempotent: images already present are kept (docker's build cache does the rest).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
log() { echo "docker-images: $*" >&2; }

if ! docker image inspect agentup-ci/debian:bookworm >/dev/null 2>&1; then
  root="$(mktemp -d /tmp/agentup-rootfs.XXXXXX)"
  trap 'rm -rf "$root"' EXIT
  log "debootstrap --variant=minbase bookworm ($mirror)"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >/tmp/agentup-debootstrap.log 2>&1 \
    || { tail -20 /tmp/agentup-debootstrap.log >&2; exit 1; }
  echo "deb $mirror bookworm main" > "$root/etc/apt/sources.list"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import - agentup-ci/debian:bookworm >/dev/null
  rm -rf "$root"; trap - EXIT
fi

build() { # tag dockerfile [context]
  local tag="$1" file="$2" ctx="${3:-$here/images}"
  log "build $tag"
  DOCKER_BUILDKIT=0 docker build -q -t "$tag" -f "$here/images/$file" "$ctx" >/tmp/agentup-build.log 2>&1 || { tail -30 /tmp/agentup-build.log >&2; exit 1; }
}
build agentup-ci/redis:7 redis.Dockerfile
build agentup-ci/postgres:15 postgres.Dockerfile
build agentup-ci/sshd:1.3.0 sshd.Dockerfile
nodectx="$(mktemp -d /tmp/agentup-nodectx.XXXXXX)"
cp "$(readlink -f "$(command -v node)")" "$nodectx/node"
cp -r "$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")" "$nodectx/npm"
# This machine's trust store, so npm inside builds trusts what npm on the host trusts.
cp "${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}" "$nodectx/host-ca.crt"
build agentup-ci/node:20 node.Dockerfile "$nodectx"
rm -rf "$nodectx"

cat <<VARS
export AGENTUP_REDIS_IMAGE=agentup-ci/redis:7
export AGENTUP_POSTGRES_IMAGE=agentup-ci/postgres:15
export AGENTUP_NODE_IMAGE=agentup-ci/node:20
export SSHD_CONTAINER_IMAGE=agentup-ci/sshd:1.3.0
export TESTCONTAINERS_RYUK_DISABLED=true
export TESTCONTAINERS_HOST_OVERRIDE=localhost
VARS
