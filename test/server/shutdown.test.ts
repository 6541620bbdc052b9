// Graceful drain: SIGTERM ends open sessions with UNAVAILABLE (so clients reconnect and resume),
// and the process exits 0 within the configured bound.
import { afterEach, describe, expect, it } from "vitest";
import { bidi, grpcClients, unary } from "../support/grpc-js.js";
import { startKeelProcess, type KeelProcess } from "../support/process.js";

let keel: KeelProcess | undefined;
afterEach(() => {
  keel?.child.kill("SIGKILL");
  keel = undefined;
});

describe("SIGTERM", () => {
  it("ends an open bidi session with UNAVAILABLE and exits 0 within the bound", async () => {
    const graceMs = 2000;
    keel = await startKeelProcess({ KEEL_SHUTDOWN_GRACE_MS: String(graceMs) });
    const clients = grpcClients(keel.address);
    try {
      const created = await unary(clients.instances, "CreateInstance", { name: "drain" });
      const call = bidi(clients.engine, "Session");
      const opened = new Promise((resolve) => call.once("data", resolve));
      const ended = new Promise<{ code: number; details: string }>((resolve) => call.on("error", resolve));
      call.on("data", () => {});
      call.write({ open: { instance_id: created.instance.id } });
      await opened;

      const sentAt = Date.now();
      keel.child.kill("SIGTERM");
      const err = await ended;
      expect(err.code).toBe(14); // UNAVAILABLE
      const code = await keel.exited;
      expect(code).toBe(0);
      expect(Date.now() - sentAt).toBeLessThan(graceMs + 5000);
    } finally {
      clients.close();
    }
  });
});
