// Every benchmark `npm run bench:report` runs, and every figure it must print. To add a benchmark:
// write bench/<name>.ts so that it calls emit() (bench/report/emit.ts) once per figure, honours
// BENCH_SMOKE with small sizes, and add one entry below. The report fails when a declared figure
// is missing or an undeclared one appears, so the two cannot drift apart.

export interface Target {
  /** The median must be >= this (throughput) or <= it (latency, cost). */
  readonly atLeast?: number;
  readonly atMost?: number;
  /** Where the target comes from (an issue, the founders' brief). */
  readonly source: string;
}

export interface Figure {
  /** `<benchmark>.<what>`, stable: history and charts are keyed by it. */
  readonly id: string;
  readonly label: string;
  readonly unit: Unit;
  readonly target?: Target;
}

export type Unit = "cycles/s" | "commits/s" | "contracts/s" | "messages/s" | "calls/s" | "bytes" | "µs" | "ms" | "%";

export interface Benchmark {
  readonly id: string;
  /** Path from the repository root, run with `node --import tsx` unless `command` says otherwise. */
  readonly script: string;
  /**
   * For a benchmark in another language (the Go or Python SDK's): the argv that runs it from the
   * repository root, e.g. ["python3", "bench/python-sdk/bench.py"]. It prints the same
   * `BENCH-FIGURE {"id":…,"value":…}` lines as emit() and reads BENCH_SMOKE=1 from its environment.
   */
  readonly command?: readonly string[];
  readonly what: string;
  readonly figures: readonly Figure[];
}

const engineTarget = { atLeast: 1_000_000, source: "issue 3: ≥ 1 M cycles/s on one core, contract included" };
const sequentialTarget = { atLeast: 1_000_000, source: "issue 16: ≥ 1 M cycles/s with the sequential drift detector on" };
const durableTarget = { atLeast: 10_000, source: "issue 4: ≥ 10 k durable cycles/s" };
const batchedTarget = { atLeast: 50_000, source: "issue 7: ≥ 50 k contracts/s batched" };
const gateTarget = { atMost: 5, source: "issue 8: ≤ 5 µs per call at the median" };
const pythonTarget = { atLeast: 40_000, source: "issue 13: Python SDK session ≥ 40 k contracts/s batched, sync and asyncio" };
const addedTarget = { atMost: 0.2, source: "issue 13: lock-step p50 through each SDK within 0.2 ms of a bare stub's" };

export const BENCHMARKS: readonly Benchmark[] = [
  {
    id: "engine",
    script: "bench/engine.ts",
    what: "the pure engine on one core, every layer on, contract included; the seed's anchor drift detector, then the sequential one",
    figures: [
      { id: "engine.cycles_per_second", label: "engine cycles/s", unit: "cycles/s", target: engineTarget },
      { id: "engine.bytes_per_cycle", label: "allocated per cycle", unit: "bytes" },
      { id: "engine.sequential_cycles_per_second", label: "engine cycles/s, sequential drift detector", unit: "cycles/s", target: sequentialTarget },
      { id: "engine.sequential_bytes_per_cycle", label: "allocated per cycle, sequential drift detector", unit: "bytes" },
    ],
  },
  {
    id: "auth",
    script: "bench/auth.ts",
    what: "the API-key gate in process: authenticate (cached), authorize, take from the quota",
    figures: [
      { id: "auth.gate_median_us", label: "gate core, median", unit: "µs", target: gateTarget },
      { id: "auth.gate_p99_us", label: "gate core, p99", unit: "µs" },
      { id: "auth.frame_median_us", label: "session frame re-check, median", unit: "µs" },
      { id: "auth.interceptor_added_median_us", label: "added by the gate interceptor over auth off, median", unit: "µs", target: gateTarget },
    ],
  },
  {
    id: "store",
    script: "bench/store.ts",
    what: "MongoStore commits on FerretDB (SQLite), 200 agents awaiting every acknowledgement",
    figures: [
      { id: "store.group_on_1_commits_per_second", label: "group commit, 1 entry per commit", unit: "commits/s" },
      { id: "store.group_off_1_commits_per_second", label: "no group commit, 1 entry per commit", unit: "commits/s" },
      { id: "store.group_on_16_commits_per_second", label: "group commit, 16 entries per commit", unit: "commits/s" },
    ],
  },
  {
    id: "durable",
    script: "bench/durable.ts",
    what: "acknowledged durable cycles through the service (engine + MongoStore on FerretDB), 200 agents",
    figures: [
      { id: "durable.group_on_1_cycles_per_second", label: "group commit, 1 observation per commit", unit: "cycles/s", target: durableTarget },
      { id: "durable.group_off_1_cycles_per_second", label: "no group commit, 1 per commit", unit: "cycles/s" },
      { id: "durable.group_on_16_cycles_per_second", label: "group commit, 16 observations per commit", unit: "cycles/s", target: durableTarget },
      { id: "durable.group_off_16_cycles_per_second", label: "no group commit, 16 per commit", unit: "cycles/s" },
    ],
  },
  {
    id: "sessions",
    script: "bench/sessions.ts",
    what: "Keel in its own process (in-process store) against a client on the same two cores; unary load by ghz",
    figures: [
      { id: "sessions.ts_1_unbatched", label: "1 session, unbatched, TypeScript client", unit: "contracts/s" },
      { id: "sessions.ts_1_batched", label: "1 session, batches of 64, TypeScript client", unit: "contracts/s", target: batchedTarget },
      { id: "sessions.ts_16_unbatched", label: "16 sessions, unbatched, TypeScript client", unit: "contracts/s" },
      { id: "sessions.ts_16_batched", label: "16 sessions, batches of 64, TypeScript client", unit: "contracts/s" },
      { id: "sessions.wire_1_unbatched", label: "1 session, unbatched, wire-level client", unit: "contracts/s" },
      { id: "sessions.wire_1_batched", label: "1 session, batches of 64, wire-level client", unit: "contracts/s", target: batchedTarget },
      { id: "sessions.wire_16_unbatched", label: "16 sessions, unbatched, wire-level client", unit: "contracts/s" },
      { id: "sessions.wire_16_batched", label: "16 sessions, batches of 64, wire-level client", unit: "contracts/s" },
      { id: "sessions.lockstep_p50_ms", label: "lock-step latency p50", unit: "ms" },
      { id: "sessions.lockstep_p90_ms", label: "lock-step latency p90", unit: "ms" },
      { id: "sessions.lockstep_p99_ms", label: "lock-step latency p99", unit: "ms", target: { atMost: 0.5, source: "issue 7: lock-step p99 ≤ 0.5 ms" } },
      { id: "sessions.unary_saturation", label: "unary Process, saturation (ghz, 64 agents)", unit: "calls/s", target: { atLeast: 3_000, source: "issue 7: ≥ 3 k unary calls/s" } },
      { id: "sessions.unary_1k_p50_ms", label: "unary Process at 1,000 calls/s, p50", unit: "ms" },
      { id: "sessions.unary_1k_p90_ms", label: "unary Process at 1,000 calls/s, p90", unit: "ms" },
      { id: "sessions.unary_1k_p99_ms", label: "unary Process at 1,000 calls/s, p99", unit: "ms", target: { atMost: 2, source: "issue 7: unary p99 ≤ 2 ms at 1,000 calls/s" } },
    ],
  },
  {
    id: "sdk_guard",
    script: "bench/sdk-guard.ts",
    what: "a KeelGuard-guarded tool call in the TypeScript SDK over the bare call, lock-step on a warm session (Keel in its own process)",
    figures: [
      {
        id: "sdk_guard.added_p50_ms",
        label: "guarded tool call, added over the bare call, p50",
        unit: "ms",
        target: { atMost: 1, source: "issue 19: a guarded call adds ≤ 1 ms at p50 over the bare tool call" },
      },
      { id: "sdk_guard.session_p50_ms", label: "KeelSession.send lock-step p50 (the guard's one round trip)", unit: "ms" },
      { id: "sdk_guard.guard_own_p50_ms", label: "guarded minus KeelSession.send, p50", unit: "ms" },
    ],
  },
  {
    id: "sessions_sdk",
    script: "bench/sessions-sdk.ts",
    what: "the TypeScript SDK (@keel/client) against Keel in its own process, one session; lock-step against a bare Connect stub",
    figures: [
      {
        id: "sessions_sdk.batched_contracts_per_second",
        label: "TypeScript SDK: session, batches of 64, 32 in flight",
        unit: "contracts/s",
        target: { atLeast: 40_000, source: "issue 13: TypeScript SDK session ≥ 40 k contracts/s batched" },
      },
      { id: "sessions_sdk.bare_batched_contracts_per_second", label: "bare Connect stub (protobuf-es), same frames pipelined", unit: "contracts/s" },
      { id: "sessions_sdk.client_cpu_us_per_contract", label: "SDK client CPU per contract, batched", unit: "µs" },
      { id: "sessions_sdk.server_cpu_us_per_contract", label: "server CPU per contract, batched (caps every client)", unit: "µs" },
      { id: "sessions_sdk.lockstep_p50_ms", label: "lock-step p50 through the SDK", unit: "ms" },
      { id: "sessions_sdk.bare_lockstep_p50_ms", label: "lock-step p50 through a bare Connect stub", unit: "ms" },
      { id: "sessions_sdk.lockstep_added_ms", label: "TypeScript SDK: lock-step p50 added over a bare Connect stub", unit: "ms", target: addedTarget },
    ],
  },
  {
    id: "python_sdk",
    script: "bench/python-sdk/bench.py",
    command: ["bash", "bench/python-sdk/run.sh"],
    what:
      "the Python SDK (keel-client, sync and asyncio) against Keel (conformance harness, in-process store, auth on), one session, 64 per frame, 8 frames in flight; bare grpcio / grpc.aio stubs in the same run",
    figures: [
      { id: "python_sdk.sync_batched_contracts_per_second", label: "Python SDK: Session.process_many, batch frames", unit: "contracts/s", target: pythonTarget },
      { id: "python_sdk.bare_sync_batched_contracts_per_second", label: "Python SDK: bare grpcio stub, same frames pipelined", unit: "contracts/s" },
      { id: "python_sdk.async_batched_contracts_per_second", label: "Python SDK: AsyncSession.process_many, batch frames", unit: "contracts/s", target: pythonTarget },
      { id: "python_sdk.bare_async_batched_contracts_per_second", label: "Python SDK: bare grpc.aio stub, same frames pipelined", unit: "contracts/s" },
      { id: "python_sdk.sync_client_cpu_us_per_contract", label: "Python SDK: client CPU per contract, Session.process_many", unit: "µs" },
      { id: "python_sdk.bare_sync_client_cpu_us_per_contract", label: "Python SDK: client CPU per contract, bare grpcio stub", unit: "µs" },
      { id: "python_sdk.server_cpu_us_per_contract", label: "Python SDK: server CPU per contract, batched (caps every client)", unit: "µs" },
      { id: "python_sdk.sync_lockstep_p50_ms", label: "Python SDK: lock-step p50, Session.process", unit: "ms" },
      { id: "python_sdk.bare_lockstep_p50_ms", label: "Python SDK: lock-step p50, bare grpcio session stream", unit: "ms" },
      { id: "python_sdk.sync_lockstep_added_ms", label: "Python SDK: lock-step p50 added by Session.process over bare", unit: "ms", target: addedTarget },
      { id: "python_sdk.async_lockstep_p50_ms", label: "Python SDK: lock-step p50, AsyncSession.process", unit: "ms" },
      { id: "python_sdk.bare_async_lockstep_p50_ms", label: "Python SDK: lock-step p50, bare grpc.aio session stream", unit: "ms" },
      { id: "python_sdk.async_lockstep_added_ms", label: "Python SDK: lock-step p50 added by AsyncSession.process over bare", unit: "ms", target: addedTarget },
      { id: "python_sdk.unary_added_ms", label: "Python SDK: unary p50 added by engine.process over a bare Process call", unit: "ms" },
    ],
  },
  {
    id: "go_sdk",
    script: "clients/go/bench/main.go",
    command: ["bash", "clients/go/bench/run.sh"],
    what: "the Go SDK against Keel in its own process (in-process store, auth on, quotas off), one session, frames of 64 all in flight; a bare grpc-go stub in the same run",
    figures: [
      {
        id: "go_sdk.batched_contracts_per_second",
        label: "Go SDK: Session.ProcessMany, batch frames",
        unit: "contracts/s",
        target: { atLeast: 45_000, source: "issue 13: Go SDK session ≥ 45 k contracts/s batched" },
      },
      { id: "go_sdk.bare_batched_contracts_per_second", label: "Go SDK: bare grpc-go stub, same frames pipelined", unit: "contracts/s" },
      { id: "go_sdk.client_cpu_us_per_contract", label: "Go SDK: client CPU per contract, Session.ProcessMany", unit: "µs" },
      { id: "go_sdk.bare_client_cpu_us_per_contract", label: "Go SDK: client CPU per contract, bare stub", unit: "µs" },
      { id: "go_sdk.server_cpu_us_per_contract", label: "Go SDK: server CPU per contract, batched (caps every client)", unit: "µs" },
      { id: "go_sdk.lockstep_p50_ms", label: "Go SDK: lock-step p50, Session.Process", unit: "ms" },
      { id: "go_sdk.bare_lockstep_p50_ms", label: "Go SDK: lock-step p50, bare stream Send/Recv", unit: "ms" },
      { id: "go_sdk.lockstep_added_ms", label: "Go SDK: lock-step p50 added by Session.Process over bare", unit: "ms", target: addedTarget },
      { id: "go_sdk.unary_added_ms", label: "Go SDK: unary p50 added by Engine.Process over the bare stub", unit: "ms" },
    ],
  },
  {
    id: "floor",
    script: "bench/floor.ts",
    what: "a bare grpc-js server with canned answers and no Keel code: the machine's floor under the same clients",
    figures: [
      { id: "floor.lockstep_p50_ms", label: "bare lock-step p50", unit: "ms" },
      { id: "floor.lockstep_p99_ms", label: "bare lock-step p99", unit: "ms" },
      { id: "floor.unary_1k_p50_ms", label: "bare unary at 1,000 calls/s, p50", unit: "ms" },
      { id: "floor.unary_1k_p99_ms", label: "bare unary at 1,000 calls/s, p99", unit: "ms" },
    ],
  },
  {
    id: "audit",
    script: "bench/audit.ts",
    what: "the audit chain on histories built through the service: hashing per cycle, and verified replay (engine + enforcement + hash + outcome comparison)",
    figures: [
      { id: "audit.engine_us_per_cycle", label: "engine alone per cycle, for scale", unit: "µs" },
      { id: "audit.chain_us_per_cycle", label: "hash chaining per cycle, no contract", unit: "µs", target: { atMost: 2, source: "issue 17: chaining ≤ 2 µs per cycle" } },
      { id: "audit.chain_live_us_per_cycle", label: "hash chaining per cycle at commit (live outcomes), no contract", unit: "µs" },
      { id: "audit.verify_cycles_per_second", label: "VerifyHistory replay, no contract", unit: "cycles/s", target: { atLeast: 500_000, source: "issue 17: ≥ 500,000 cycles/s" } },
      { id: "audit.contract_engine_us_per_cycle", label: "engine alone per cycle, for scale (contract run)", unit: "µs" },
      { id: "audit.contract_chain_us_per_cycle", label: "hash chaining per cycle, with a declared contract", unit: "µs" },
      { id: "audit.contract_chain_live_us_per_cycle", label: "hash chaining per cycle at commit (live outcomes), with a declared contract", unit: "µs" },
      { id: "audit.contract_verify_cycles_per_second", label: "VerifyHistory replay, with a declared contract", unit: "cycles/s" },
      { id: "audit.invariants_100_p99_us", label: "enforcement step with 100 invariants, p99", unit: "µs", target: { atMost: 20, source: "issue 17: 100 invariants ≤ 20 µs per cycle at p99" } },
      { id: "audit.invariants_0_p99_us", label: "enforcement step with no invariants, p99", unit: "µs" },
    ],
  },
  {
    id: "idempotency",
    script: "bench/idempotency.ts",
    what: "the request_id check on the in-process store: Process through AgentService with and without an id",
    figures: [
      { id: "idempotency.check_us", label: "the check alone (digest + lookup of a new id)", unit: "µs", target: { atMost: 5, source: "issue 14: the idempotency check adds ≤ 5 µs per call" } },
      { id: "idempotency.added_us", label: "added per Process call, paired rounds", unit: "µs" },
    ],
  },
  {
    id: "tracing",
    script: "bench/tracing.ts",
    what: "unary Process at saturation (in-process store, auth off) with OpenTelemetry off and on at 100 % sampling, paired rounds",
    figures: [
      { id: "tracing.off_calls_per_second", label: "tracing off", unit: "calls/s" },
      { id: "tracing.on_calls_per_second", label: "tracing on, 100 % sampling", unit: "calls/s" },
      { id: "tracing.on_cost_percent", label: "throughput lost with tracing on", unit: "%", target: { atMost: 10, source: "issue 14: tracing on at 100 % costs ≤ 10 % of unary saturation" } },
      { id: "tracing.side_by_side_cost_percent", label: "throughput lost with tracing on, both servers at once", unit: "%" },
      { id: "tracing.work_us_per_call", label: "tracing's own work per call, in process", unit: "µs" },
    ],
  },
];

export function allFigures(): Figure[] {
  return BENCHMARKS.flatMap((b) => b.figures);
}
