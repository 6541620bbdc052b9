// Issue 15 #2 and the connection-level items: oversized requests must not poison an HTTP/2
// connection (it used to answer every new stream with RST_STREAM ENHANCE_YOUR_CALM after a few),
// idle connections are closed after KEEL_IDLE_TIMEOUT_MS, and slow requests (slowloris headers or
// bodies) are cut off after KEEL_REQUEST_TIMEOUT_MS instead of holding a socket indefinitely.
import * as http2 from "node:http2";
import * as net from "node:net";
import { create, toBinary } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProcessRequestSchema } from "../../gen/keel/v1/engine_service_pb.js";
import { Mode } from "../../gen/keel/v1/modes_pb.js";
import { TEST_API_KEY, bearer } from "../support/api-key.js";
import { clientsFor } from "../support/clients.js";
import { envelope, grpcWebStatus, rawCall } from "../support/raw-http2.js";
import { startTestServer, type TestServer } from "../support/server.js";

const auth = { authorization: bearer(TEST_API_KEY) };
const PROCESS = "/keel.v1.EngineService/Process";

describe("oversized requests", () => {
  let server: TestServer;
  let id: string;
  beforeAll(async () => {
    server = await startTestServer();
    id = (await clientsFor(server.baseUrl).instances.createInstance({ name: "big" })).instance!.id;
  });
  afterAll(() => server.close());

  const bodies = (size: number) => {
    const big = toBinary(ProcessRequestSchema, create(ProcessRequestSchema, { instanceId: id, observation: { mode: Mode.ORDER, signalStrength: 0.5, context: { pad: "x".repeat(size) } } }));
    const small = toBinary(ProcessRequestSchema, create(ProcessRequestSchema, { instanceId: id, observation: { mode: Mode.ORDER, signalStrength: 0.5 } }));
    return { big, small };
  };

  it.each([
    ["application/proto", false],
    ["application/grpc-web+proto", true],
    ["application/grpc", true],
  ] as const)("leave the connection usable on %s after ten in a row", async (contentType, enveloped) => {
    const { big, small } = bodies(3 * 1024 * 1024);
    const wrap = (b: Uint8Array) => (enveloped ? envelope(b) : Buffer.from(b));
    const session = http2.connect(server.baseUrl);
    try {
      for (let i = 0; i < 10; i++) {
        const answer = await rawCall(session, PROCESS, contentType, wrap(big), auth);
        // Answered RESOURCE_EXHAUSTED (429 / grpc-status 8), never reset with ENHANCE_YOUR_CALM.
        expect(answer.rstCode).not.toBe(http2.constants.NGHTTP2_ENHANCE_YOUR_CALM);
        const code = contentType === "application/proto" ? answer.status : grpcCode(answer);
        expect([i, code]).toEqual([i, contentType === "application/proto" ? 429 : 8]);
      }
      const ok = await rawCall(session, PROCESS, contentType, wrap(small), auth);
      expect(contentType === "application/proto" ? ok.status : grpcCode(ok)).toBe(contentType === "application/proto" ? 200 : 0);
    } finally {
      session.close();
    }
  });
});

function grpcCode(answer: Awaited<ReturnType<typeof rawCall>>): number {
  const raw = answer.trailers["grpc-status"] ?? answer.headers["grpc-status"];
  return raw !== undefined ? Number(raw) : grpcWebStatus(answer).code;
}

describe("idle and slow connections", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { KEEL_IDLE_TIMEOUT_MS: "300", KEEL_REQUEST_TIMEOUT_MS: "500" } });
  });
  afterAll(() => server.close());

  it("closes an HTTP/2 connection with no stream after the idle timeout", async () => {
    const session = http2.connect(server.baseUrl);
    session.on("error", () => undefined);
    const closed = await within(5_000, new Promise<string>((resolve) => session.once("close", () => resolve("closed"))));
    expect(closed).toBe("closed");
  });

  it("resets an HTTP/2 request whose body does not arrive in time", async () => {
    const session = http2.connect(server.baseUrl);
    session.on("error", () => undefined);
    try {
      const stream = session.request({ ":method": "POST", ":path": PROCESS, "content-type": "application/grpc", te: "trailers", ...auth });
      stream.on("error", () => undefined);
      stream.on("data", () => undefined);
      stream.write(Buffer.from([0, 0, 0, 0, 100, 10])); // promises 100 bytes, sends 1
      const code = await within(5_000, new Promise<number>((resolve) => stream.once("close", () => resolve(stream.rstCode ?? 0))));
      expect(code).toBe(http2.constants.NGHTTP2_CANCEL);
    } finally {
      session.destroy();
    }
  });

  it("disconnects an HTTP/1.1 client that never finishes its headers", async () => {
    const socket = net.connect(server.port, "127.0.0.1");
    socket.on("error", () => undefined);
    socket.resume();
    socket.write("POST /keel.v1.EngineService/Process HTTP/1.1\r\nHost: x\r\n");
    const ended = await within(5_000, new Promise<string>((resolve) => socket.once("close", () => resolve("closed"))));
    expect(ended).toBe("closed");
  });
});

function within<T>(ms: number, p: Promise<T>): Promise<T | "timed out"> {
  return Promise.race([p, new Promise<"timed out">((r) => setTimeout(() => r("timed out"), ms).unref())]);
}
