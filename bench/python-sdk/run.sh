#!/usr/bin/env bash
# Runs bench/python-sdk/bench.py (extra arguments go to it) in a venv of its own,
# .cache/bench/python-sdk-venv, with keel-client installed editable from clients/python: made
# on first use from the pip cache (~30 s), re-made when clients/python/pyproject.toml changes
# (dependencies), reused otherwise. This is how `npm run bench:report` runs it (registry.ts).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
venv=.cache/bench/python-sdk-venv
stamp="$(sha256sum clients/python/pyproject.toml | cut -c1-16)"
if [ "$(cat "$venv/.keel-stamp" 2>/dev/null)" != "$stamp" ]; then
  echo "python SDK bench: (re)making $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -e ./clients/python >&2
  echo "$stamp" > "$venv/.keel-stamp"
fi
exec "$venv/bin/python" bench/python-sdk/bench.py "$@"
