// Failures connect-node's machinery produces outside every interceptor must still reach the logs:
// issue 15 #1 was a Connect-JSON ListHistory page failing with HTTP 500 "cannot encode
// google.protobuf.Timestamp" that nobody could see in the server's logs.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineService, ListHistoryResponseSchema } from "../../gen/keel/v1/engine_service_pb.js";
import { keelConnectAdapter } from "../../src/server/connect-adapter.js";
import { captureLogger } from "../support/server.js";

const capture = captureLogger("info");
let server: http.Server;
let url: string;

beforeAll(async () => {
  const handler = keelConnectAdapter({
    logger: capture.logger,
    routes: (router) =>
      // A response JSON cannot spell: a timestamp in year 10000.
      router.rpc(EngineService.method.listHistory, () =>
        create(ListHistoryResponseSchema, { entries: [{ processTime: { seconds: 253_402_300_800n, nanos: 0 } }] }),
      ),
  });
  server = http.createServer(handler as http.RequestListener);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/keel.v1.EngineService/ListHistory`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("the connect adapter", () => {
  it("logs a response it cannot serialize, with the method", async () => {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(500);
    const lines = capture.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    const line = lines.find((l) => l.msg === "rpc failed outside its handler");
    expect(line).toMatchObject({ level: 50, method: "keel.v1.EngineService/ListHistory", code: "Internal" });
    expect(String(line?.error)).toContain("Timestamp");
  });
});
