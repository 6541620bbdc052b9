// The shared SDK conformance suite (conformance/cases.json), run through @keel/client against
// real servers started by the shared harness. Every parameter and expected value comes from the
// case file; one runner per case kind.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Action,
  KeelError,
  Mode,
  StressLevel,
  createKeelClient,
  type KeelClient,
  type KeelClientOptions,
  type ObservationInput,
} from "../src/index.js";
import { Harness } from "./harness.js";

interface Case {
  id: string;
  kind: string;
  [key: string]: any;
}
const file = JSON.parse(readFileSync(new URL("../../../conformance/cases.json", import.meta.url), "utf8")) as {
  observations: { modes: string[] };
  cases: Case[];
};
const MODES = file.observations.modes;
const byKind = (kind: string): Case[] => file.cases.filter((c) => c.kind === kind);

/** Observation i (1-based), identical in every language. */
function observation(i: number): ObservationInput {
  return { mode: mode(MODES[(i * 5) % 7]!), signalStrength: 0.05 + ((i * 37) % 91) / 100 };
}
const mode = (name: string): Mode => Mode[name as keyof typeof Mode];

/** "%.2f" as Python and Go print it: exact ties round half to even. */
function fixed(x: number, digits: number): string {
  const halves = x * 2 ** (digits + 1);
  if (Number.isInteger(halves) && halves % 2 !== 0) {
    const down = Math.floor(x * 10 ** digits);
    return ((down % 2 === 0 ? down : down + 1) / 10 ** digits).toFixed(digits);
  }
  return x.toFixed(digits);
}

/** A small seeded PRNG (mulberry32), so cut points are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function failure(p: Promise<unknown>): Promise<KeelError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof KeelError)) throw new Error(`expected a KeelError, got ${String(err)}`);
  return err;
}

const clients: KeelClient[] = [];
function client(harness: Harness, options: KeelClientOptions = {}): KeelClient {
  const c = createKeelClient({ baseUrl: harness.info.target, apiKey: harness.info.api_key, ...options });
  clients.push(c);
  return c;
}
afterAll(() => clients.forEach((c) => c.close()));

describe("conformance on a plain server", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await Harness.start();
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it.each(byKind("tutorial"))("$id", async (c) => {
    const keel = client(harness);
    const instance = await keel.instances.create({ name: c.instance.name, description: c.instance.description });
    const first = await keel.engine.process(instance.id, { mode: mode(c.first.mode), signalStrength: c.first.signal_strength });
    expect(StressLevel[first.contract.currentStressLevel]).toBe(c.expect.first.stress);
    expect(fixed(first.contract.energyLevel, 2)).toBe(c.expect.first.energy);
    expect(first.contract.forbiddenActions.map((a) => Action[a])).toEqual(c.expect.first.forbidden);
    const session = await keel.engine.session(instance.id);
    const turns = [];
    for (let i = 0; i < c.expect.turns.length; i++) {
      const { contract } = await session.send({ mode: mode(c.turn.mode), signalStrength: c.turn.signal_strength });
      turns.push({ stress: StressLevel[contract.currentStressLevel], energy: fixed(contract.energyLevel, 2) });
    }
    await session.close();
    expect(turns).toEqual(c.expect.turns);
    expect((await keel.engine.getDrift(instance.id)).events).toHaveLength(c.expect.drift_events);
  });

  it.each(byKind("session_cuts"))("$id", async (c) => {
    const keel = client(harness, { baseUrl: harness.info.proxy });
    const agent = await keel.instances.create({ name: c.id });
    const n: number = c.observations;
    const random = prng(c.seed);
    const cutAt = Array.from({ length: c.cuts }, () => 1 + Math.floor(random() * (n - 1))).sort((a, b) => a - b);
    let reconnects = 0;
    const session = await keel.engine.session(agent.id, { onReconnect: () => void reconnects++ });
    const frames = [];
    let answered = 0;
    let cuts = 0;
    for (let start = 1; start <= n; start += c.batch_size) {
      const batch = [];
      for (let i = start; i < start + c.batch_size && i <= n; i++) batch.push(observation(i));
      // Every frame goes out at once (several in flight); cuts fire as answers pass the cut points.
      frames.push(
        session.sendBatch(batch).then(async (outs) => {
          answered += outs.length;
          while (cuts < cutAt.length && answered >= cutAt[cuts]!) {
            cuts++;
            await harness.command("cut");
          }
          return outs;
        }),
      );
    }
    const outcomes = (await Promise.all(frames)).flat();
    await session.close();
    expect(outcomes.map((o) => o.contract.cycleCount)).toEqual(Array.from({ length: n }, (_, i) => BigInt(i + 1)));
    expect(outcomes.map((o) => o.sequence)).toEqual(Array.from({ length: n }, (_, i) => BigInt(i + 1)));
    expect(cuts).toBe(c.cuts);
    expect(reconnects).toBeGreaterThan(0);
    expect((await client(harness).engine.getState(agent.id)).state.cycleCount).toBe(BigInt(n));
  });

  it.each(byKind("resume_fresh_client"))("$id", async (c) => {
    const before = client(harness);
    const agent = await before.instances.create({ name: c.id });
    for (let i = 1; i <= c.history; i++) await before.engine.process(agent.id, observation(i));
    before.close();
    const fresh = client(harness);
    const session = await fresh.engine.session(agent.id);
    const more = Array.from({ length: c.more }, (_, k) => observation(c.history + k + 1));
    const outs = await session.sendMany(more);
    await session.close();
    expect(outs).toHaveLength(c.more);
    expect((await fresh.engine.getState(agent.id)).state.cycleCount).toBe(BigInt(c.history + c.more));
  });

  it.each(byKind("takeover"))("$id", async (c) => {
    const a = client(harness);
    const agent = await a.instances.create({ name: c.id });
    let retried = 0;
    const first = await a.engine.session(agent.id, { onReconnect: () => void retried++ });
    await first.send(observation(1));
    const second = await client(harness).engine.session(agent.id);
    const err = await failure(first.send(observation(2)));
    expect(err.codeName).toBe(c.expect_code);
    expect(retried).toBe(0);
    const out = await second.send(observation(2));
    expect(out.sequence).toBe(2n);
    await second.close();
  });

  it.each(byKind("invalid_argument"))("$id", async (c) => {
    const keel = client(harness);
    const agent = await keel.instances.create({ name: c.id });
    const err = await failure(
      keel.engine.process(agent.id, { mode: mode(c.request.mode), signalStrength: c.request.signal_strength }),
    );
    expect(err.codeName).toBe(c.expect_code);
    expect(err.fieldViolations.map((v) => v.field)).toContain(c.expect_field);
    expect((await keel.engine.getState(agent.id)).state.cycleCount).toBe(0n);
  });

  it.each(byKind("wrong_key"))("$id", async (c) => {
    let attempts = 0;
    const keel = client(harness, {
      apiKey: c.api_key,
      interceptors: [(next) => (req) => (attempts++, next(req))],
    });
    const err = await failure(keel.instances.list());
    expect(err.codeName).toBe(c.expect_code);
    expect(attempts).toBe(1);
  });
});

describe.each(byKind("quota_backoff"))("conformance with a cycle quota: $id", (c) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await Harness.start([`--quota-cycles-per-second=${c.server.quota_cycles_per_second}`]);
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it("waits out RetryInfo by itself, exactly once", async () => {
    const keel = client(harness);
    const agent = await keel.instances.create({ name: c.id });
    let throttled = 0;
    const session = await keel.engine.session(agent.id, {
      onReconnect: (_attempt, cause) => void (cause.codeName === "RESOURCE_EXHAUSTED" && throttled++),
    });
    const outs = await session.sendMany(
      Array.from({ length: c.observations }, (_, i) => observation(i + 1)),
      { batchSize: c.batch_size },
    );
    await session.close();
    expect(outs.map((o) => o.contract.cycleCount)).toEqual(Array.from({ length: c.observations }, (_, i) => BigInt(i + 1)));
    expect(throttled).toBeGreaterThan(0);
    expect((await keel.engine.getState(agent.id)).state.cycleCount).toBe(BigInt(c.observations));
  });
});

describe.each(byKind("tls"))("conformance over TLS: $id", (c) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await Harness.start(["--tls"]);
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it("connects trusting the harness's CA and processes the tutorial's first observation", async () => {
    expect(c.server.tls).toBe(true);
    const keel = client(harness, { tls: { ca: readFileSync(harness.info.ca_file!) } });
    const tutorial = byKind("tutorial")[0]!;
    const instance = await keel.instances.create({ name: tutorial.instance.name, description: tutorial.instance.description });
    const out = await keel.engine.process(instance.id, { mode: mode(tutorial.first.mode), signalStrength: tutorial.first.signal_strength });
    expect(StressLevel[out.contract.currentStressLevel]).toBe(tutorial.expect.first.stress);
  });
});
