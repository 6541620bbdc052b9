// Issue 15 #1: an observation stamped in year 10000 was accepted and stored, and from then on every
// Connect-JSON ListHistory page holding it failed with "cannot encode google.protobuf.Timestamp".
// Keel accepts exactly protobuf's Timestamp range (0001-01-01 to 9999-12-31) at the edge, on every
// protocol, and answers rows stored before that check with the value clamped into the range.
import { toJsonString } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineService, HistoryEntrySchema } from "../../gen/keel/v1/engine_service_pb.js";
import { Mode } from "../../gen/keel/v1/modes_pb.js";
import { historyEntryToWire } from "../../src/rpc/engine-mapping.js";
import type { HistoryEntry } from "../../src/store/types.js";
import { authInterceptor, clientsFor, type Clients } from "../support/clients.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let grpc: Clients;
let json: ReturnType<typeof createClient<typeof EngineService>>;
let proto: ReturnType<typeof createClient<typeof EngineService>>;
let id: string;

beforeAll(async () => {
  server = await startTestServer();
  grpc = clientsFor(server.baseUrl);
  json = createClient(
    EngineService,
    createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1", useBinaryFormat: false, interceptors: authInterceptor(undefined) }),
  );
  proto = createClient(
    EngineService,
    createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1", useBinaryFormat: true, interceptors: authInterceptor(undefined) }),
  );
  id = (await grpc.instances.createInstance({ name: "clock" })).instance!.id;
});
afterAll(async () => {
  await server.close();
});

const at = (seconds: bigint, nanos = 0) => ({ mode: Mode.ORDER, signalStrength: 0.5, timestamp: { seconds, nanos } });

describe("observation timestamps", () => {
  const outside: [string, bigint, number][] = [
    ["year 10000", 253_402_300_800n, 0],
    ["far future", 2n ** 62n, 0],
    ["before year 1", -62_135_596_801n, 0],
    ["negative nanos", 0n, -1],
    ["nanos of a whole second", 0n, 1_000_000_000],
  ];
  for (const [name, seconds, nanos] of outside) {
    it(`rejects ${name} with INVALID_ARGUMENT on gRPC and Connect, changing nothing`, async () => {
      const before = await grpc.engine.getState({ instanceId: id });
      for (const call of [
        () => grpc.engine.process({ instanceId: id, observation: at(seconds, nanos) }),
        // (JSON cannot even spell these instants; Connect's binary encoding can.)
        () => proto.process({ instanceId: id, observation: at(seconds, nanos) }),
        () => grpc.engine.processBatch({ instanceId: id, observations: [at(1_700_000_000n), at(seconds, nanos)] }),
      ]) {
        const err = await call().then(() => undefined, (e: unknown) => ConnectError.from(e));
        expect(err?.code).toBe(Code.InvalidArgument);
        expect(err?.rawMessage).toContain("timestamp");
      }
      expect(await grpc.engine.getState({ instanceId: id })).toEqual(before);
    });
  }

  it("accepts both ends of the range, and JSON history shows them", async () => {
    await grpc.engine.process({ instanceId: id, observation: at(253_402_300_799n, 999_000_000) });
    await grpc.engine.process({ instanceId: id, observation: at(-62_135_596_800n) });
    const page = await json.listHistory({ instanceId: id, pageSize: 10 });
    const stamps = page.entries.map((e) => e.observation!.timestamp!.seconds);
    expect(stamps).toContain(253_402_300_799n);
    expect(stamps).toContain(-62_135_596_800n);
  });
});

describe("rows stored before the range check", () => {
  it("are answered clamped into the range, so JSON can encode them", () => {
    const stored = { cycle: 1, revision: 1, mode: "order", signalStrength: 0.5, confidence: 1, context: {}, action: null, target: null, outcome: null, processedAtMs: 1_700_000_000_000 } as unknown as HistoryEntry;
    const late = historyEntryToWire({ ...stored, observedAtMs: 253_402_300_800_000 * 4 });
    expect(JSON.parse(toJsonString(HistoryEntrySchema, late)).observation.timestamp).toBe("9999-12-31T23:59:59.999Z");
    const early = historyEntryToWire({ ...stored, observedAtMs: -1e17 });
    expect(JSON.parse(toJsonString(HistoryEntrySchema, early)).observation.timestamp).toBe("0001-01-01T00:00:00Z");
  });
});
