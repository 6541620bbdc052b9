// HTTP/2 gRPC is answered by grpc-js by default and by connect-node with KEEL_GRPC_SERVER=connect.
// Both must look the same to clients: headers, trailers, codes, messages, deadlines, sessions;
// and other protocols on the same HTTP/2 connection still reach connect-node.
import { Code, ConnectError } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import type * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineService } from "../../gen/keel/v1/engine_service_pb.js";
import { Mode } from "../../gen/keel/v1/modes_pb.js";
import { authInterceptor, clientsFor, clientsOn } from "../support/clients.js";
import { bidi, grpcClients, type GrpcClients } from "../support/grpc-js.js";
import { startTestServer, type TestServer } from "../support/server.js";

type Observed = { code: number; details: string; header: Record<string, unknown>; trailer: Record<string, unknown> };

/** A unary grpc-js call, keeping the response header and trailer metadata. */
function observe(client: grpc.Client, method: string, request: unknown, deadlineMs = 5000): Promise<Observed> {
  return new Promise((resolve) => {
    const out: Observed = { code: 0, details: "", header: {}, trailer: {} };
    const fn = (client as unknown as Record<string, (...a: unknown[]) => grpc.ClientUnaryCall>)[method]!;
    const call = fn.call(client, request, { deadline: Date.now() + deadlineMs }, () => undefined);
    call.on("metadata", (md: grpc.Metadata) => (out.header = md.getMap()));
    call.on("status", (s: grpc.StatusObject) => {
      out.code = s.code;
      out.details = s.details;
      out.trailer = s.metadata.getMap();
      resolve(out);
    });
  });
}

/** What a client can see of a call, with the per-call request id reduced to its presence. */
function shape(o: Observed) {
  const strip = (m: Record<string, unknown>) => {
    const { "x-request-id": id, date: _date, "content-type": _ct, ...rest } = m;
    return { ...rest, requestId: typeof id === "string" && id.length > 0 };
  };
  // connect-node leaves grpc-message empty on success where grpc-js says "OK", and
  // percent-encodes more characters than grpc-js clients decode ("=" arrives as "%3D").
  const details = o.code === 0 ? "" : o.details.replace(/%3D/g, "=");
  return { code: o.code, details, header: strip(o.header), trailer: strip(o.trailer) };
}

describe.each(["grpc-js", "connect"])("KEEL_GRPC_SERVER=%s", (mode) => {
  let server: TestServer;
  let c: GrpcClients;
  let id: string;
  beforeAll(async () => {
    server = await startTestServer({ env: { KEEL_GRPC_SERVER: mode, KEEL_MAX_TIMEOUT_MS: "10000" } });
    c = grpcClients(server.address);
    id = (await clientsFor(server.baseUrl).instances.createInstance({ name: "p" }))
      .instance!.id;
  });
  afterAll(async () => {
    c.close();
    await server.close();
  });

  it("answers with x-request-id in the header on success and in the trailer on failure", async () => {
    const ok = shape(await observe(c.engine, "Process", { instance_id: id, observation: { mode: "MODE_ORDER", signal_strength: 0.5 } }));
    expect(ok).toEqual({ code: 0, details: "", header: { requestId: true }, trailer: { requestId: false } });
    const bad = shape(await observe(c.engine, "Process", { instance_id: id, observation: { mode: "MODE_ORDER", signal_strength: 2 } }));
    expect(bad.code).toBe(Code.InvalidArgument);
    expect(bad.details).toMatch(/^observation\.signal_strength /);
    expect(bad.trailer.requestId).toBe(true);
    const missing = shape(await observe(c.engine, "GetState", { instance_id: "inst_0000000000000000" }));
    expect(missing.code).toBe(Code.NotFound);
    expect(missing.trailer.requestId).toBe(true);
  });

  it("caps deadlines over KEEL_MAX_TIMEOUT_MS instead of refusing them (grpcio sends 61.1 s for 60 s)", async () => {
    const r = shape(await observe(c.engine, "GetState", { instance_id: id }, 61_100));
    expect(r.code).toBe(0);
  });

  it("answers an unknown method with UNIMPLEMENTED", async () => {
    const transport = createGrpcTransport({ baseUrl: server.baseUrl });
    const err = await transport
      .unary({ ...EngineService.method.process, name: "Nope", parent: EngineService } as never, undefined, undefined, undefined, {} as never)
      .then(() => undefined, (e: unknown) => ConnectError.from(e));
    expect(err?.code).toBe(Code.Unimplemented);
  });

  it("serves a session over grpc-js clients and reports a bad frame in the trailer", async () => {
    const call = bidi(c.engine, "Session");
    const messages: any[] = [];
    const status = new Promise<grpc.StatusObject>((resolve) => call.on("status", resolve));
    call.on("data", (m) => messages.push(m));
    call.on("error", () => undefined);
    call.write({ open: { instance_id: id } });
    call.write({ observation: { sequence: "1", observation: { mode: "MODE_ORDER", signal_strength: 0.5 } } });
    call.write({ observation: { sequence: "5", observation: { mode: "MODE_ORDER", signal_strength: 0.5 } } });
    const s = await status;
    expect(messages.map((m) => m.frame)).toEqual(["opened", "outcome"]);
    expect(s.code).toBe(Code.FailedPrecondition);
    expect(s.details).toContain("leaves a gap");
    expect(s.metadata.get("x-request-id")).toHaveLength(1);
  });

  it("keeps Connect and gRPC-Web on the same HTTP/2 port working", async () => {
    for (const transport of [
      createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "2", interceptors: authInterceptor(undefined) }),
      createGrpcWebTransport({ baseUrl: server.baseUrl, httpVersion: "2", interceptors: authInterceptor(undefined) }),
      createGrpcTransport({ baseUrl: server.baseUrl, interceptors: authInterceptor(undefined) }),
    ]) {
      const { engine } = clientsOn(transport);
      const r = await engine.getContract({ instanceId: id });
      expect(r.contract?.instanceId).toBe(id);
      const err = await engine.process({ instanceId: id, observation: { mode: Mode.ORDER, signalStrength: 3 } }).catch((e: unknown) => ConnectError.from(e));
      expect((err as ConnectError).code).toBe(Code.InvalidArgument);
    }
  });
});
