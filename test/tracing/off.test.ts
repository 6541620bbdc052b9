// Tracing is off unless the standard variables name an OTLP endpoint; then nothing is loaded and
// calls run without spans (no module of the SDK, its exporter or its propagators enters the process).
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { startTracing, tracing, tracingRequested } from "../../src/tracing/tracing.js";
import { clientsFor } from "../support/clients.js";
import { startTestServer } from "../support/server.js";

describe("tracing off", () => {
  it("is requested only by an OTLP endpoint, and not when disabled", () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_SERVICE_NAME: "keel", OTEL_TRACES_SAMPLER: "always_on" })).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://collector:4318/v1/traces" })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_SDK_DISABLED: "true" })).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_TRACES_EXPORTER: "none" })).toBe(false);
  });

  it("loads no SDK and serves calls without it when nothing asks for traces", async () => {
    expect(await startTracing({})).toBe(false);
    expect(tracing()).toBeNull();
    const server = await startTestServer();
    try {
      const { instances } = clientsFor(server.baseUrl, { apiKey: server.apiKey });
      await instances.createInstance({ name: "untraced" });
    } finally {
      await server.close();
    }
    const require = createRequire(import.meta.url);
    const sdk = require.resolve("@opentelemetry/sdk-trace-node");
    // Only the API may be there: prom-client loads it, for its exemplars.
    const loaded = Object.keys(require.cache).filter((path) => path.includes("@opentelemetry/") && !path.includes("@opentelemetry/api/"));
    expect(loaded).toEqual([]);
    expect(sdk).toContain("sdk-trace-node");
  });
});
