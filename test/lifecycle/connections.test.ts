// HTTP/2 connection lifetimes: a GOAWAY after KEEL_MAX_CONNECTION_AGE_MS (so clients rebalance onto
// new replicas), the connection closed after the grace period, and keepalive PINGs every
// KEEL_KEEPALIVE_TIME_MS.
import * as http2 from "node:http2";
import { afterEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("HTTP/2 connection limits", () => {
  it("sends GOAWAY at the maximum age and closes the connection after the grace period", async () => {
    server = await startTestServer({ env: { KEEL_MAX_CONNECTION_AGE_MS: "400", KEEL_MAX_CONNECTION_AGE_GRACE_MS: "300" } });
    const opened = Date.now();
    const session = http2.connect(server.baseUrl);
    session.on("error", () => {});
    const goaway = new Promise<number>((resolve) => session.once("goaway", () => resolve(Date.now() - opened)));
    const closed = new Promise<number>((resolve) => session.once("close", () => resolve(Date.now() - opened)));
    // An open stream keeps the connection past the GOAWAY until the grace period ends.
    const req = session.request({ ":path": "/livez" });
    req.on("error", () => {});
    req.resume();
    const at = await goaway;
    expect(at).toBeGreaterThanOrEqual(350);
    expect(at).toBeLessThan(2000);
    expect(await closed).toBeLessThan(5000);
  });

  it("pings connections every keepalive interval", async () => {
    server = await startTestServer({ env: { KEEL_KEEPALIVE_TIME_MS: "200" } });
    const session = http2.connect(server.baseUrl);
    session.on("error", () => {});
    let pings = 0;
    session.on("ping", () => pings++);
    await new Promise((r) => setTimeout(r, 900));
    session.close();
    expect(pings).toBeGreaterThanOrEqual(2);
  });

  it("leaves connections alone by default", async () => {
    server = await startTestServer();
    const session = http2.connect(server.baseUrl);
    session.on("error", () => {});
    let pings = 0;
    let goaways = 0;
    session.on("ping", () => pings++);
    session.on("goaway", () => goaways++);
    await new Promise((r) => setTimeout(r, 600));
    expect(session.closed).toBe(false);
    session.close();
    expect({ pings, goaways }).toEqual({ pings: 0, goaways: 0 });
  });
});
