// Issue 15 #4: a request body that is not valid protobuf got INTERNAL on every binary transport
// (grpc-js "Error deserializing request", connect-node "parse binary" as HTTP 500 or grpc-status 13).
// It is the client's mistake: INVALID_ARGUMENT naming the message type, on every protocol, for
// unary calls and session streams, and the target agent is unchanged.
import * as http2 from "node:http2";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Mode } from "../../gen/keel/v1/modes_pb.js";
import { TEST_API_KEY, bearer } from "../support/api-key.js";
import { clientsFor, type Clients } from "../support/clients.js";
import { connectStreamEnd, envelope, grpcWebStatus, rawCall } from "../support/raw-http2.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let clients: Clients;
let session: http2.ClientHttp2Session;
let id: string;
const auth = { authorization: bearer(TEST_API_KEY) };
// A string field whose length runs past the end of the message.
const TRUNCATED = Buffer.from([10, 200, 1, 1]);
// A batch frame whose observation is cut short.
const BAD_FRAME = Buffer.from([26, 5, 10, 3, 18, 200, 1]);

beforeAll(async () => {
  server = await startTestServer({ env: { KEEL_GRPC_SERVER: process.env.KEEL_GRPC_SERVER ?? "grpc-js" } });
  clients = clientsFor(server.baseUrl);
  id = (await clients.instances.createInstance({ name: "target" })).instance!.id;
  await clients.engine.process({ instanceId: id, observation: { mode: Mode.ORDER, signalStrength: 0.5 } });
  session = http2.connect(server.baseUrl);
});
afterAll(async () => {
  session.close();
  await server.close();
});

const PROCESS = "/keel.v1.EngineService/Process";
const SESSION = "/keel.v1.EngineService/Session";

describe("malformed protobuf", () => {
  it("gets INVALID_ARGUMENT on every binary protocol, unary and streaming, changing nothing", async () => {
    const before = await clients.engine.getState({ instanceId: id });
    for (const grpcType of ["application/grpc", "application/grpc+proto"]) {
      const unary = await rawCall(session, PROCESS, grpcType, envelope(TRUNCATED), auth);
      expect([grpcType, unary.trailers["grpc-status"] ?? unary.headers["grpc-status"]]).toEqual([grpcType, "3"]);
      const stream = await rawCall(session, SESSION, grpcType, envelope(BAD_FRAME), auth);
      expect([grpcType, stream.trailers["grpc-status"] ?? stream.headers["grpc-status"]]).toEqual([grpcType, "3"]);
    }
    const webUnary = grpcWebStatus(await rawCall(session, PROCESS, "application/grpc-web+proto", envelope(TRUNCATED), auth));
    expect(webUnary.code).toBe(3);
    expect(webUnary.message).toContain("keel.v1.ProcessRequest");
    const webStream = grpcWebStatus(await rawCall(session, SESSION, "application/grpc-web+proto", envelope(BAD_FRAME), auth));
    expect(webStream.code).toBe(3);

    const connectUnary = await rawCall(session, PROCESS, "application/proto", TRUNCATED, auth);
    expect(connectUnary.status).toBe(400);
    const error = JSON.parse(connectUnary.body.toString("utf8")) as { code: string; message: string };
    expect(error.code).toBe("invalid_argument");
    expect(error.message).toContain("keel.v1.ProcessRequest");
    const connectStream = connectStreamEnd(await rawCall(session, SESSION, "application/connect+proto", envelope(BAD_FRAME), auth));
    expect(connectStream.code).toBe("invalid_argument");

    // Connect unary over HTTP/1.1 as well.
    const h1 = await fetch(`${server.baseUrl}${PROCESS}`, { method: "POST", headers: { "content-type": "application/proto", ...auth }, body: TRUNCATED });
    expect(h1.status).toBe(400);
    expect(((await h1.json()) as { code: string }).code).toBe("invalid_argument");

    expect(await clients.engine.getState({ instanceId: id })).toEqual(before);
  });
});

describe("oversized messages", () => {
  it("get RESOURCE_EXHAUSTED, changing nothing", async () => {
    const before = await clients.engine.getState({ instanceId: id });
    const big = "x".repeat(2 * 1024 * 1024);
    const err = await clients.engine.process({ instanceId: id, observation: { mode: Mode.ORDER, signalStrength: 0.5, context: { note: big } } }).then(
      () => null,
      (e: unknown) => ConnectError.from(e),
    );
    expect(err?.code).toBe(Code.ResourceExhausted);
    expect(await clients.engine.getState({ instanceId: id })).toEqual(before);
  });
});
