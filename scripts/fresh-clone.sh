#!/usr/bin/env bash
# A new user's first minutes, in CI terms: clone this repository's committed
# HEAD into an empty temporary folder (nothing beside it: no ../shared), and
# run .ci/run there, which is README's `npm ci && npm test`, with Node alone.
# ECS_DOCTOR_FRESH_CLONE=1 tells that inner run it is the clone, so it neither
# clones again nor runs the suites that need more than Node (the wire suite).
set -euo pipefail
if [ -n "${ECS_DOCTOR_FRESH_CLONE:-}" ]; then
  echo "fresh-clone: already inside a fresh clone; not cloning again" >&2
  exit 0
fi
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/ecs-doctor-fresh-clone.XXXXXX")"
trap 'rm -rf "$work"' EXIT
git clone --quiet --no-hardlinks "$repo" "$work/ecs-doctor"
if [ -e "$work/shared" ]; then
  echo "fresh-clone: $work/shared exists; the clone must stand alone" >&2
  exit 1
fi
echo "fresh-clone: $(git -C "$work/ecs-doctor" log -1 --format='%h %s') in $work/ecs-doctor, nothing beside it" >&2
cd "$work/ecs-doctor"
ECS_DOCTOR_FRESH_CLONE=1 bash .ci/run
