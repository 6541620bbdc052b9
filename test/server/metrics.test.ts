// GET /metrics on the shared port: Prometheus text over HTTP/1.1 and HTTP/2, counters that move
// with the calls made, and the open-sessions gauge following a session's life.
import * as http from "node:http";
import * as http2 from "node:http2";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type Client } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineService, type SessionRequest, type SessionRequestSchema } from "../../gen/keel/v1/engine_service_pb.js";
import { InstanceService } from "../../gen/keel/v1/instance_service_pb.js";
import { Mode, StressLevel } from "../../gen/keel/v1/modes_pb.js";
import { generateApiKey } from "../../src/auth/api-key.js";
import { Pushable } from "../support/pushable.js";
import { authInterceptor, clientsFor, clientsOn } from "../support/clients.js";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let engine: Client<typeof EngineService>;
let instances: Client<typeof InstanceService>;

beforeAll(async () => {
  server = await startTestServer();
  ({ engine, instances } = clientsFor(server.baseUrl));
});
afterAll(async () => {
  await server.close();
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(,|$)/;
const VALUE = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]Inf|NaN)$/;

/** A strict parser for the text exposition format: throws on any line it does not understand. */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (line === "") continue;
    if (line.startsWith("#")) {
      const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (meta && !NAME.test(meta[2]!)) throw new Error(`line ${i + 1}: bad metric name in ${line}`);
      if (meta?.[1] === "TYPE" && !/^(counter|gauge|histogram|summary|untyped)$/.test(meta[3]!)) {
        throw new Error(`line ${i + 1}: bad type in ${line}`);
      }
      continue;
    }
    const m = /^([^{\s]+)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(line);
    if (!m) throw new Error(`line ${i + 1}: not "name{labels} value": ${line}`);
    const [, name, rawLabels, value] = m;
    if (!NAME.test(name!)) throw new Error(`line ${i + 1}: bad metric name ${name}`);
    if (!VALUE.test(value!)) throw new Error(`line ${i + 1}: bad value ${value}`);
    const labels: Record<string, string> = {};
    let rest = rawLabels ?? "";
    while (rest !== "") {
      const l = LABEL.exec(rest);
      if (!l) throw new Error(`line ${i + 1}: bad labels {${rawLabels}}`);
      labels[l[1]!] = l[2]!;
      rest = rest.slice(l[0].length);
    }
    samples.push({ name: name!, labels, value: Number(value) });
  }
  return samples;
}

/** The sum of every sample of `name` whose labels include `match`. */
function total(samples: Sample[], name: string, match: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

function getHttp1(path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${server.baseUrl}${path}`, { agent: false }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode!, type: res.headers["content-type"] ?? "", body }));
      })
      .on("error", reject);
  });
}

function getHttp2(path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(server.baseUrl);
    session.on("error", reject);
    const req = session.request({ ":method": "GET", ":path": path });
    let status = 0;
    let type = "";
    let body = "";
    req.setEncoding("utf8");
    req.on("response", (h) => {
      status = Number(h[":status"]);
      type = String(h["content-type"] ?? "");
    });
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      session.close();
      resolve({ status, type, body });
    });
    req.on("error", reject);
    req.end();
  });
}

async function scrape(): Promise<Sample[]> {
  const res = await getHttp1("/metrics");
  expect(res.status).toBe(200);
  return parse(res.body);
}

const PROCESS = { grpc_type: "unary", grpc_service: "keel.v1.EngineService", grpc_method: "Process" };

describe("GET /metrics", () => {
  it("serves Prometheus text over HTTP/1.1 with process and Keel metrics", async () => {
    const res = await getHttp1("/metrics");
    expect(res.status).toBe(200);
    expect(res.type.startsWith("text/plain; version=0.0.4")).toBe(true);
    const names = new Set(parse(res.body).map((s) => s.name));
    for (const n of ["process_cpu_user_seconds_total", "nodejs_eventloop_lag_seconds", "nodejs_heap_size_used_bytes", "keel_open_sessions"]) {
      expect(names, n).toContain(n);
    }
    expect(res.body).toContain("# TYPE grpc_server_handling_seconds histogram");
    expect(res.body).toContain("# TYPE keel_store_commit_duration_seconds histogram");
  });

  it("serves the same over HTTP/2 on the same port", async () => {
    const res = await getHttp2("/metrics");
    expect(res.status).toBe(200);
    expect(res.type.startsWith("text/plain; version=0.0.4")).toBe(true);
    expect(parse(res.body).some((s) => s.name === "keel_open_sessions")).toBe(true);
  });

  it("moves the counters with the calls made, failures under their code", async () => {
    const id = (await instances.createInstance({ name: "metrics" })).instance!.id;
    const before = await scrape();
    const n = 5;
    const levels: string[] = [];
    for (let i = 0; i < n; i++) {
      const { outcome } = await engine.process({
        instanceId: id,
        observation: { mode: i % 2 ? Mode.STRESS_RESPONSE : Mode.EXPLORATION, signalStrength: 0.9 },
      });
      levels.push(StressLevel[outcome!.contract!.currentStressLevel]);
    }
    const missing = await engine.process({ instanceId: "inst_0000000000000000", observation: { mode: Mode.ORDER, signalStrength: 0.5 } }).catch((e) => e);
    expect(ConnectError.from(missing).code).toBe(Code.NotFound);
    const after = await scrape();

    const delta = (name: string, match: Record<string, string> = {}) => total(after, name, match) - total(before, name, match);
    expect(delta("keel_cycles_total")).toBe(n);
    expect(delta("grpc_server_started_total", PROCESS)).toBe(n + 1);
    expect(delta("grpc_server_handled_total", { ...PROCESS, grpc_code: "OK" })).toBe(n);
    expect(delta("grpc_server_handled_total", { ...PROCESS, grpc_code: "NotFound" })).toBe(1);
    expect(delta("grpc_server_handling_seconds_count", { ...PROCESS, grpc_code: "OK" })).toBe(n);
    expect(delta("keel_contracts_total")).toBe(n);
    for (const level of new Set(levels)) {
      expect(delta("keel_contracts_total", { stress_level: level }), level).toBe(levels.filter((l) => l === level).length);
    }
    expect(delta("keel_store_commit_duration_seconds_count", { result: "ok" })).toBe(n);
    expect(delta("keel_store_commit_batch_size_sum")).toBe(n);
    // No instance ids in labels: cardinality stays bounded however many agents there are.
    expect(after.some((s) => Object.values(s.labels).some((v) => v.startsWith("inst_")))).toBe(false);
  });

  it("reports an open session as 1 while it is open and 0 after it ends", async () => {
    const id = (await instances.createInstance({ name: "metrics-session" })).instance!.id;
    const openSessions = async () => total(await scrape(), "keel_open_sessions");
    expect(await openSessions()).toBe(0);

    const requests = new Pushable<MessageInitShape<typeof SessionRequestSchema>>();
    requests.push({ frame: { case: "open", value: { instanceId: id, resumeAfterSequence: 0n } } });
    const responses = engine.session(requests as AsyncIterable<SessionRequest>)[Symbol.asyncIterator]();
    expect((await responses.next()).value?.frame.case).toBe("opened");
    expect(await openSessions()).toBe(1);

    requests.push({ frame: { case: "observation", value: { sequence: 1n, observation: { mode: Mode.ORDER, signalStrength: 0.5 } } } });
    expect((await responses.next()).value?.frame.case).toBe("outcome");
    requests.end();
    expect((await responses.next()).done).toBe(true);
    expect(await openSessions()).toBe(0);
  });

  it("counts refused calls by reason and quota rejections by quota, every label from zero", async () => {
    const before = await scrape();
    for (const reason of ["missing", "malformed", "unknown", "revoked", "scope"]) {
      expect(before.some((s) => s.name === "keel_auth_failures_total" && s.labels.reason === reason), reason).toBe(true);
    }
    for (const quota of ["cycles", "sessions"]) {
      expect(before.some((s) => s.name === "keel_quota_rejections_total" && s.labels.quota === quota), quota).toBe(true);
    }
    const id = (await instances.createInstance({ name: "metrics-auth" })).instance!.id;
    const as = (authorization: string | null) =>
      clientsOn(createGrpcTransport({ baseUrl: server.baseUrl, interceptors: authInterceptor(authorization, true) }));
    const refused = (p: Promise<unknown>) => p.then(() => expect.unreachable(), () => undefined);
    await refused(as(null).engine.getState({ instanceId: id }));
    await refused(as("Bearer nope").engine.getState({ instanceId: id }));
    await refused(as(`Bearer ${generateApiKey().token}`).engine.getState({ instanceId: id }));
    const revoked = await server.mintKey({ scope: "read" });
    await server.revokeKey(revoked.keyId);
    await refused(as(`Bearer ${revoked.token}`).engine.getState({ instanceId: id }));
    const reader = await server.mintKey({ scope: "read" });
    await refused(as(`Bearer ${reader.token}`).engine.process({ instanceId: id, observation: { mode: Mode.ORDER, signalStrength: 0.5 } }));

    const slow = await server.mintKey({ scope: "engine", cyclesPerSecond: 1, maxSessions: 1 });
    const c = as(`Bearer ${slow.token}`);
    const o = { mode: Mode.ORDER, signalStrength: 0.5 };
    await c.engine.processBatch({ instanceId: id, observations: [o, o] });
    await refused(c.engine.process({ instanceId: id, observation: o }));
    const requests = new Pushable<MessageInitShape<typeof SessionRequestSchema>>();
    requests.push({ frame: { case: "open", value: { instanceId: id } } });
    const first = c.engine.session(requests as AsyncIterable<SessionRequest>)[Symbol.asyncIterator]();
    await first.next();
    const second = new Pushable<MessageInitShape<typeof SessionRequestSchema>>();
    second.push({ frame: { case: "open", value: { instanceId: id } } });
    await refused(c.engine.session(second as AsyncIterable<SessionRequest>)[Symbol.asyncIterator]().next());
    requests.end();
    await first.next();

    const after = await scrape();
    const delta = (name: string, match: Record<string, string>) => total(after, name, match) - total(before, name, match);
    for (const reason of ["missing", "malformed", "unknown", "revoked", "scope"]) {
      expect(delta("keel_auth_failures_total", { reason }), reason).toBe(1);
    }
    expect(delta("keel_quota_rejections_total", { quota: "cycles" })).toBe(1);
    expect(delta("keel_quota_rejections_total", { quota: "sessions" })).toBe(1);
    const getState = { grpc_service: "keel.v1.EngineService", grpc_method: "GetState" };
    expect(delta("grpc_server_handled_total", { ...getState, grpc_code: "Unauthenticated" })).toBe(4);
    expect(delta("grpc_server_handled_total", { ...PROCESS, grpc_code: "PermissionDenied" })).toBe(1);
    expect(delta("grpc_server_handled_total", { ...PROCESS, grpc_code: "ResourceExhausted" })).toBe(1);
    // Key ids are unbounded: never a label.
    expect(after.some((s) => Object.values(s.labels).some((v) => v.startsWith("keel_")))).toBe(false);
  });

  it("leaves unknown paths to the RPC router", async () => {
    expect((await getHttp1("/metricsx")).status).toBe(404);
  });
});
