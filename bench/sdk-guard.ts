// What a guarded tool call costs in the TypeScript SDK (@keel/client's KeelGuard) over the bare
// tool call — issue 19 bounds it at ≤ 1 ms at p50 (one round trip on a warm session). The
// TypeScript twin of bench/python-sdk/guard.py. Keel runs in its own process on loopback
// (in-process store, auth on, quotas off). Each round, on a fresh agent and a warm session,
// interleaved so all three see the same machine load, lock-step p50 of:
// - bare: the tool called directly (a Map look-up, awaited as a guarded call is);
// - session: KeelSession.send of the observation a guarded call reports (the one round trip);
// - guarded: the same tool through KeelGuard (local check, the tool, one observation).
// Prints guarded − bare (what the issue bounds) and guarded − session (the guard's own cost beyond
// its round trip) as medians of the rounds with min–max; the machine is shared, expect noise.
import { createKeelClient, KeelGuard, type KeelClient } from "@keel/client";
import { startKeelProcess } from "../test/support/process.js";
import { emit, scaled } from "./report/emit.js";

const ROUNDS = scaled(5, 1);
const CALLS = scaled(2_000, 40);
const WARMUP = scaled(200, 5);
const ORDERS = new Map(Array.from({ length: 100 }, (_, n) => [`orders/${n}`, n]));
const lookup = (a: { orderId: string }): number => ORDERS.get(a.orderId) ?? -1;
const args = (i: number) => ({ orderId: `orders/${i % 100}` });

const keel = await startKeelProcess({ KEEL_LOG_LEVEL: "warn", KEEL_QUOTA_CYCLES_PER_SECOND: "0", KEEL_QUOTA_SESSIONS: "0" });
const sdk: KeelClient = createKeelClient({ baseUrl: keel.address, apiKey: keel.apiKey });

async function p50(call: (i: number) => Promise<unknown>, count: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await call(i);
    samples.push(performance.now() - t);
  }
  return median(samples);
}

async function round(): Promise<{ bare: number; session: number; guarded: number }> {
  const agent = await sdk.instances.create({ name: "bench-guard" });
  const session = await sdk.engine.session(agent.id);
  const report = (i: number) => session.send({ mode: "perception", signalStrength: 0.5, action: "lookup", target: args(i).orderId, outcome: "success" });
  const guard = new KeelGuard(session);
  const guarded = guard.tool({ name: "lookup", mode: "perception", action: "explore", target: "orderId" }, lookup);
  const bare = async (i: number) => lookup(args(i));
  await p50(report, WARMUP);
  await p50((i) => guarded(args(i)), WARMUP);
  const out = { bare: await p50(bare, CALLS), session: await p50(report, CALLS), guarded: await p50((i) => guarded(args(i)), CALLS) };
  await session.close();
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
const spread = (xs: number[]): string =>
  `median ${median(xs).toFixed(3)} ms (min ${Math.min(...xs).toFixed(3)}, max ${Math.max(...xs).toFixed(3)}, ${xs.length} rounds)`;

try {
  await round(); // warm-up: V8 optimises both sides
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(await round());
  const added = rounds.map((r) => r.guarded - r.bare);
  const own = rounds.map((r) => r.guarded - r.session);
  console.log(`bare tool call p50:              ${spread(rounds.map((r) => r.bare))}`);
  console.log(`KeelSession.send p50:            ${spread(rounds.map((r) => r.session))}`);
  console.log(`guarded call p50:                ${spread(rounds.map((r) => r.guarded))}`);
  console.log(`added over the bare tool, p50:   ${spread(added)}`);
  console.log(`guarded minus session, per round: ${spread(own)}`);
  emit("sdk_guard.added_p50_ms", median(added));
  emit("sdk_guard.session_p50_ms", median(rounds.map((r) => r.session)));
  emit("sdk_guard.guard_own_p50_ms", median(own));
} finally {
  sdk.close();
  keel.child.kill("SIGTERM");
  await keel.exited;
}
