// TLS and mTLS on the shared port: HTTP/2 and HTTP/1.1 chosen by ALPN, grpc-js and Connect
// clients that trust a test CA, client certificates required under mTLS, cleartext refused,
// graceful shutdown, and the container health check. Certificates are made at test time.
import { execFile } from "node:child_process";
import * as https from "node:https";
import * as path from "node:path";
import * as tls from "node:tls";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import { createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from "../../gen/health/v1/health_pb.js";
import { loadConfig } from "../../src/config.js";
import { makeTestCerts, type TestCerts } from "../support/certs.js";
import { grpcClients, unary } from "../support/grpc-js.js";
import { startTestServer, type TestServer } from "../support/server.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let certs: TestCerts;

beforeAll(async () => {
  certs = await makeTestCerts();
});
afterAll(async () => {
  await certs?.remove();
});

/** grpc.health.v1.Health/Check over grpc-js; Health stays open whatever else the server requires. */
async function grpcCheck(address: string, credentials: grpc.ChannelCredentials): Promise<string> {
  const c = grpcClients(address, credentials);
  try {
    return (await unary<{ status: string }>(c.health, "Check", {}, 3000)).status;
  } finally {
    c.close();
  }
}

async function connectCheck(transport: Transport): Promise<ServingStatus> {
  return (await createClient(Health, transport).check({})).status;
}

/** The protocol the server picks when a client offers `offer` by ALPN. */
function negotiated(port: number, offer: string[]): Promise<string | false> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, ca: certs.ca.cert, ALPNProtocols: offer }, () => {
      resolve(socket.alpnProtocol ?? false);
      socket.end();
    });
    socket.on("error", reject);
  });
}

function healthcheckScript(env: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "src/healthcheck.ts"], { cwd: root, env: { ...process.env, ...env } }, (err) =>
      resolve(err ? Number(err.code ?? 1) : 0),
    );
  });
}

describe("TLS", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: certs.env() });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("negotiates h2 and http/1.1 by ALPN on the one port", async () => {
    expect(server.baseUrl).toBe(`https://127.0.0.1:${server.port}`);
    expect(await negotiated(server.port, ["h2", "http/1.1"])).toBe("h2");
    expect(await negotiated(server.port, ["http/1.1"])).toBe("http/1.1");
  });

  it("serves a grpc-js client that trusts the CA", async () => {
    expect(await grpcCheck(server.address, grpc.credentials.createSsl(certs.ca.cert))).toBe("SERVING");
  });

  const ca = () => ({ ca: certs.ca.cert });
  it.each<[string, () => Transport]>([
    ["connect gRPC (HTTP/2)", () => createGrpcTransport({ baseUrl: server.baseUrl, nodeOptions: ca() })],
    ["Connect (HTTP/2)", () => createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "2", nodeOptions: ca() })],
    ["Connect JSON (HTTP/1.1)", () => createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1", useBinaryFormat: false, nodeOptions: ca() })],
    ["gRPC-Web (HTTP/1.1)", () => createGrpcWebTransport({ baseUrl: server.baseUrl, httpVersion: "1.1", nodeOptions: ca() })],
  ])("serves %s", async (_name, transport) => {
    expect(await connectCheck(transport())).toBe(ServingStatus.SERVING);
  });

  it("serves /metrics over HTTPS", async () => {
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(`${server.baseUrl}/metrics`, { ca: certs.ca.cert }, (res) => {
          let text = "";
          res.on("data", (d: Buffer) => (text += d.toString()));
          res.on("end", () => resolve(text));
        })
        .on("error", reject);
    });
    expect(body).toContain("grpc_server_handled_total");
  });

  it("refuses cleartext clients", async () => {
    await expect(grpcCheck(server.address, grpc.credentials.createInsecure())).rejects.toMatchObject({
      code: grpc.status.UNAVAILABLE,
    });
    const cleartext = `http://127.0.0.1:${server.port}`;
    await expect(connectCheck(createConnectTransport({ baseUrl: cleartext, httpVersion: "1.1" }))).rejects.toThrow();
    await expect(connectCheck(createGrpcTransport({ baseUrl: cleartext }))).rejects.toThrow();
  });

  it("passes the container health check", async () => {
    expect(await healthcheckScript({ KEEL_PORT: String(server.port), ...certs.env() })).toBe(0);
  });
});

describe("mTLS", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: certs.env({ mtls: true }) });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("serves a client presenting a certificate from the client CA", async () => {
    const creds = grpc.credentials.createSsl(certs.ca.cert, certs.client.key, certs.client.cert);
    expect(await grpcCheck(server.address, creds)).toBe("SERVING");
    const nodeOptions = { ca: certs.ca.cert, cert: certs.client.cert, key: certs.client.key };
    expect(await connectCheck(createGrpcTransport({ baseUrl: server.baseUrl, nodeOptions }))).toBe(ServingStatus.SERVING);
    expect(await connectCheck(createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1", nodeOptions }))).toBe(
      ServingStatus.SERVING,
    );
  });

  it("refuses a client without a certificate", async () => {
    await expect(grpcCheck(server.address, grpc.credentials.createSsl(certs.ca.cert))).rejects.toMatchObject({
      code: grpc.status.UNAVAILABLE,
    });
    const transport = createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1", nodeOptions: { ca: certs.ca.cert } });
    await expect(connectCheck(transport)).rejects.toThrow();
  });

  it("refuses a client certificate from another CA", async () => {
    const creds = grpc.credentials.createSsl(certs.ca.cert, certs.strangerClient.key, certs.strangerClient.cert);
    await expect(grpcCheck(server.address, creds)).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
  });

  it("passes the container health check, which presents the server's own certificate", async () => {
    expect(await healthcheckScript({ KEEL_PORT: String(server.port), ...certs.env({ mtls: true }) })).toBe(0);
  });
});

describe("graceful shutdown under TLS", () => {
  it("closes idle HTTP/2 and HTTP/1.1 connections without waiting out the grace period", async () => {
    const server = await startTestServer({ env: { ...certs.env(), KEEL_SHUTDOWN_GRACE_MS: "5000" } });
    const c = grpcClients(server.address, grpc.credentials.createSsl(certs.ca.cert));
    const agent = new https.Agent({ keepAlive: true, ca: certs.ca.cert });
    try {
      expect((await unary(c.health, "Check", {})).status).toBe("SERVING");
      const transport = createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1", nodeOptions: { agent } });
      expect(await connectCheck(transport)).toBe(ServingStatus.SERVING);
      const started = Date.now();
      await server.close();
      // Idle connections are closed at once; the 1 s flush bound would show if one were left.
      expect(Date.now() - started).toBeLessThan(900);
    } finally {
      c.close();
      agent.destroy();
    }
  });
});

describe("configuration", () => {
  const env = (e: Record<string, string>) => () => loadConfig(e);

  it("reads the PEM files once, at load", () => {
    const config = loadConfig(certs.env({ mtls: true }));
    expect(config.tls).toMatchObject({ certFile: certs.server.certFile, keyFile: certs.server.keyFile, clientCaFile: certs.ca.certFile });
    expect(config.tls?.cert.equals(certs.server.cert)).toBe(true);
    expect(loadConfig({}).tls).toBeNull();
  });

  it("rejects half a TLS configuration, naming the variables", () => {
    expect(env({ KEEL_TLS_CERT_FILE: certs.server.certFile })).toThrow(/KEEL_TLS_CERT_FILE is set but KEEL_TLS_KEY_FILE is not/);
    expect(env({ KEEL_TLS_KEY_FILE: certs.server.keyFile })).toThrow(/KEEL_TLS_KEY_FILE is set but KEEL_TLS_CERT_FILE is not/);
    expect(env({ KEEL_TLS_CLIENT_CA_FILE: certs.ca.certFile })).toThrow(/KEEL_TLS_CLIENT_CA_FILE requires TLS/);
  });

  it("rejects unreadable, malformed and mismatched files, naming the variable", () => {
    const missing = path.join(certs.dir, "missing.pem");
    expect(env({ ...certs.env(), KEEL_TLS_CERT_FILE: missing })).toThrow(/^KEEL_TLS_CERT_FILE: cannot read/);
    expect(env({ ...certs.env(), KEEL_TLS_KEY_FILE: missing })).toThrow(/^KEEL_TLS_KEY_FILE: cannot read/);
    expect(env({ ...certs.env(), KEEL_TLS_CLIENT_CA_FILE: missing })).toThrow(/^KEEL_TLS_CLIENT_CA_FILE: cannot read/);
    expect(env({ ...certs.env(), KEEL_TLS_CERT_FILE: certs.server.keyFile })).toThrow(/^KEEL_TLS_CERT_FILE: .* is not a PEM certificate/);
    expect(env({ ...certs.env(), KEEL_TLS_KEY_FILE: certs.server.certFile })).toThrow(/^KEEL_TLS_KEY_FILE: .* is not an unencrypted PEM private key/);
    expect(env({ ...certs.env(), KEEL_TLS_KEY_FILE: certs.client.keyFile })).toThrow(/KEEL_TLS_KEY_FILE does not match KEEL_TLS_CERT_FILE/);
    expect(env({ ...certs.env(), KEEL_TLS_CLIENT_CA_FILE: certs.server.keyFile })).toThrow(/^KEEL_TLS_CLIENT_CA_FILE: .* is not a PEM CA/);
    expect(env({ ...certs.env(), KEEL_TLS_CERT_FILE: missing })).toThrow(expect.objectContaining({ name: "ConfigError" }));
  });
});
