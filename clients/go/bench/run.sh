#!/usr/bin/env bash
# Starts a Keel server (in-process store, a fresh admin key, quotas off) on a free loopback port and
# runs the Go SDK benchmark against it; extra arguments go to the benchmark (-rounds, -observations,
# -batch, -steps). `npm run bench:report` runs it this way (bench/report/registry.ts), with
# BENCH_SMOKE=1 in CI. From anywhere, after `npm ci` at the repository root:
#
#   clients/go/bench/run.sh -rounds 5
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
port="$(node -e 'const s=require("node:net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
key="$(node bin/keel.js keys generate)"
log="$(mktemp)"
KEEL_BOOTSTRAP_KEY="$key" KEEL_PORT="$port" KEEL_LOG_LEVEL=warn KEEL_QUOTA_CYCLES_PER_SECOND=0 \
  setsid node_modules/.bin/tsx src/main.ts > "$log" 2>&1 &
server=$!
trap 'kill -TERM -- "-$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -f "$log"' EXIT
for i in $(seq 1 120); do
  if curl -s --max-time 2 -H 'content-type: application/json' -d '{}' \
      "http://127.0.0.1:$port/grpc.health.v1.Health/Check" 2>/dev/null | grep -q SERVING; then
    break
  fi
  if [ "$i" = 120 ]; then cat "$log"; echo "Keel did not start" >&2; exit 1; fi
  sleep 0.5
done
cd clients/go
go build -o "$root/.cache/go-sdk-bench" ./bench
KEEL_ADDR="127.0.0.1:$port" KEEL_API_KEY="$key" KEEL_SERVER_PID="$server" "$root/.cache/go-sdk-bench" "$@"
