// A short round of the edge fuzzer in every test run (FUZZ_INPUTS, default 2,000); bench/fuzz.ts
// runs the full >= 100,000. Every answer's code must be one a client's mistake may get, and the
// target agents must be unchanged unless a write to them was accepted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Mode } from "../../gen/keel/v1/modes_pb.js";
import { clientsFor, type Clients } from "../support/clients.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { fuzz } from "./fuzzer.js";

let server: TestServer;
let clients: Clients;
const targets: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  clients = clientsFor(server.baseUrl);
  for (let i = 0; i < 4; i++) {
    const id = (await clients.instances.createInstance({ name: `target-${i}` })).instance!.id;
    await clients.engine.process({ instanceId: id, observation: { mode: Mode.ORDER, signalStrength: 0.5 } });
    targets.push(id);
  }
});
afterAll(() => server.close());

describe("edge fuzzer", () => {
  it("gets only documented codes, and changes targets only through accepted writes", async () => {
    const before = await Promise.all(targets.map((id) => clients.engine.getState({ instanceId: id })));
    const report = await fuzz({ baseUrl: server.baseUrl, apiKey: server.apiKey, targets, inputs: Number(process.env.FUZZ_INPUTS ?? 2000), seed: Number(process.env.FUZZ_SEED ?? 15) });
    expect(report.violations).toEqual([]);
    expect(report.inputs).toBe(Number(process.env.FUZZ_INPUTS ?? 2000));
    for (const [i, id] of targets.entries()) {
      if (report.touched.has(id)) continue;
      expect(await clients.engine.getState({ instanceId: id })).toEqual(before[i]);
    }
  }, 300_000);
});
