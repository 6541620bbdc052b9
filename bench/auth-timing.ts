// Issue 15 target: an unknown key id and a wrong secret must take the same time to refuse (within
// 0.1 ms at p50), with no store read per attempt for a repeated unknown id. In process, against
// the in-memory key store with a simulated 1 ms store read (so a read would show). Several runs;
// prints median, and min-max over runs, of each run's p50 and p99 per refusal.
import { newKeyRecord, parseApiKey } from "../src/auth/api-key.js";
import { Authenticator } from "../src/auth/authenticator.js";
import { MemoryKeyStore } from "../src/store/memory-keys.js";
import type { ApiKeyRecord } from "../src/store/types.js";

class SlowKeys extends MemoryKeyStore {
  reads = 0;
  override async getKey(id: string): Promise<ApiKeyRecord | null> {
    this.reads++;
    await new Promise((r) => setTimeout(r, 1));
    return super.getKey(id);
  }
}

async function refuseNs(auth: Authenticator, header: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  try {
    const r = auth.authenticate(header);
    if (r instanceof Promise) await r;
  } catch {
    // refused, as expected
  }
  return Number(process.hrtime.bigint() - t0);
}

const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;
const RUNS = 5;
const N = 20_000;
const results = { unknown50: [] as number[], wrong50: [] as number[], unknown99: [] as number[], wrong99: [] as number[], reads: [] as number[] };
for (let run = 0; run < RUNS; run++) {
  const keys = new SlowKeys();
  const auth = new Authenticator({ keys, operatorTenant: "ops", cacheTtlMs: 60_000 });
  const { record, token } = newKeyRecord({ name: "k", tenant: "acme", scope: "admin", createdBy: "x", createdAtMs: 0 });
  await keys.createKey(record);
  const secret = parseApiKey(token)!.secret;
  const wrong = `Bearer keel_${record.id}_${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}`;
  const unknown = `Bearer keel_0123456789abcdef_${secret}`;
  await refuseNs(auth, wrong);
  await refuseNs(auth, unknown);
  const before = keys.reads;
  const u: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < N; i++) {
    // Interleaved, so machine noise hits both alike.
    u.push(await refuseNs(auth, unknown));
    w.push(await refuseNs(auth, wrong));
  }
  results.unknown50.push(pct(u, 0.5));
  results.wrong50.push(pct(w, 0.5));
  results.unknown99.push(pct(u, 0.99));
  results.wrong99.push(pct(w, 0.99));
  results.reads.push(keys.reads - before);
}
const show = (xs: number[]) => `${(pct(xs, 0.5) / 1000).toFixed(2)} us (${(Math.min(...xs) / 1000).toFixed(2)}-${(Math.max(...xs) / 1000).toFixed(2)})`;
console.log(`auth refusal timing, ${RUNS} runs x ${N} attempts each (shared machine: numbers are noisy)`);
console.log(`  unknown id    p50 ${show(results.unknown50)}  p99 ${show(results.unknown99)}`);
console.log(`  wrong secret  p50 ${show(results.wrong50)}  p99 ${show(results.wrong99)}`);
console.log(`  p50 difference per run (us): ${results.unknown50.map((x, i) => ((x - results.wrong50[i]!) / 1000).toFixed(2)).join(" ")}`);
console.log(`  store reads for ${N} repeated unknown attempts per run: ${results.reads.join(" ")}`);
