#!/usr/bin/env bash
# The tutorials are the first thing agents' authors run: given a Keel server on KEEL_ADDR
# (default 127.0.0.1:8080) and an admin API key for it in KEEL_API_KEY (the tutorials create
# agents), install the Python SDK (clients/python) into a fresh venv as a user would, build the
# Go example over the Go SDK, run the TypeScript, Python and Go tutorials against the server,
# each sending the key, and fail unless each exits 0 and all three print the same five "Turn"
# lines; then run the guarded support agent (examples/python/support_agent.py) and check its
# refusal, recovery and drift lines. Needs only the registries: PyPI and the Go module proxy.
set -euo pipefail
cd "$(dirname "$0")/.."
export KEEL_ADDR="${KEEL_ADDR:-127.0.0.1:8080}"
if [ -z "${KEEL_API_KEY:-}" ]; then
  echo "KEEL_API_KEY is not set: the examples need an API key for the server on $KEEL_ADDR" >&2
  echo "(e.g. start it with KEEL_BOOTSTRAP_KEY=\$(npx keel keys generate) and export the same key)" >&2
  exit 2
fi
export KEEL_API_KEY
out=.cache/examples
mkdir -p "$out"

step() { printf '\n== examples: %s\n' "$*"; }

step "install the Python SDK into a fresh venv (pip install ./clients/python)"
rm -rf "$out/venv"
python3 -m venv "$out/venv"
"$out/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input ./clients/python

step "build the Go example (over the Go SDK in clients/go: committed stubs, no generate step)"
(cd examples/go && go build -o "../../$out/tutorial-go" .)

step "wait for Keel on $KEEL_ADDR"
for i in $(seq 1 120); do
  if curl -s --max-time 2 -H 'content-type: application/json' -d '{}' \
      "http://$KEEL_ADDR/grpc.health.v1.Health/Check" 2>/dev/null | grep -q SERVING; then
    break
  fi
  if [ "$i" = 120 ]; then echo "Keel is not serving on $KEEL_ADDR" >&2; exit 1; fi
  sleep 0.5
done

status=0
run() {
  local lang="$1"; shift
  step "$lang"
  if timeout 120 "$@" > "$out/$lang.txt" 2> "$out/$lang.err"; then
    cat "$out/$lang.txt"
  else
    cat "$out/$lang.txt" "$out/$lang.err"
    echo "the $lang example failed" >&2
    status=1
  fi
}
run typescript node_modules/.bin/tsx examples/typescript/tutorial.ts
run python "$out/venv/bin/python" examples/python/tutorial.py
run go "$out/tutorial-go"

step "compare the Turn lines"
for lang in typescript python go; do
  grep '^Turn ' "$out/$lang.txt" > "$out/$lang.turns" || true
done
if [ "$(wc -l < "$out/typescript.turns")" -ne 5 ]; then
  echo "the TypeScript example printed $(wc -l < "$out/typescript.turns") Turn lines, expected 5" >&2
  status=1
fi
for lang in python go; do
  if ! diff -u "$out/typescript.turns" "$out/$lang.turns"; then
    echo "the $lang example's Turn lines differ from TypeScript's" >&2
    status=1
  fi
done
[ "$status" = 0 ] && echo "examples: all three printed the same five Turn lines"

# The guarded-tools agent (docs/agents.md): its risky refund must be refused with a reason, the
# agent must recover through an allowed tool, and Keel must have recorded drift.
run support-agent "$out/venv/bin/python" examples/python/support_agent.py
for expect in '^REFUSED refund \(execute\) on orders/117:' '^  - action .execute. is (not allowed|not among the allowed actions|forbidden)' \
    '^RECOVERED via escalate_to_human: ticket opened' '^REFUSED lookup_order: .*outside the declared scope' '^DRIFT D[123]_'; do
  if ! grep -qE "$expect" "$out/support-agent.txt"; then
    echo "the support agent's output has no line matching: $expect" >&2
    status=1
  fi
done
[ "$status" = 0 ] && echo "examples: the support agent was refused, recovered and drifted as expected"
exit "$status"
