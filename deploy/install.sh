#!/bin/sh
# Runs deploy/install.ts with a Node that can run it: the one --node names, else the PATH's.
# Node >= 22.18 runs TypeScript as it is; an older one is refused here, before anything else.
set -e
here=$(cd "$(dirname "$0")" && pwd)
node_bin=$(command -v node || true)
previous=""
for arg in "$@"; do
  [ "$previous" = "--node" ] && node_bin=$arg
  case $arg in --node=*) node_bin=${arg#--node=} ;; esac
  previous=$arg
done
version=$("$node_bin" -p 'process.versions.node' 2>/dev/null || echo none)
if ! "$node_bin" -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 18) ? 0 : 1)' 2>/dev/null; then
  echo "install: refused: Node >= 22.18 is required, ${node_bin:-node} is $version (see deploy/README.md)" >&2
  exit 2
fi
exec "$node_bin" "$here/install.ts" "$@"
