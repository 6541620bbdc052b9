// Prometheus metrics for one app instance. Each app owns its Registry (never the global default)
// so several servers in one process - the test suite - keep separate counts. Labels hold only
// bounded values: method names, status codes and engine levels, never instance ids.
import type * as http from "node:http";
import type * as http2 from "node:http2";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { AUTH_FAILURE_REASONS, type AuthFailureReason } from "../auth/authenticator.js";
import type { QuotaObserver } from "../auth/gate.js";
import type { QuotaName } from "../auth/quota.js";
import type { RpcObserver } from "../rpc/interceptors.js";
import { buildInfo, type BuildInfo } from "./build-info.js";
import { RpcMetrics, type MethodKind, type MethodSeries } from "./rpc-metrics.js";
import type { ServiceMetrics } from "../service/agent-service.js";
import type { RecordedOutcome } from "../store/types.js";

export const METRICS_PATH = "/metrics";

export class KeelMetrics implements RpcObserver, ServiceMetrics, QuotaObserver {
  readonly registry = new Registry();
  private readonly rpcs = new RpcMetrics(this.registry);
  private readonly cyclesTotal = new Counter({
    name: "keel_cycles_total",
    help: "Observations processed and committed (session replays excluded)",
    registers: [this.registry],
  });
  private readonly contracts = new Counter({
    name: "keel_contracts_total",
    help: "Execution contracts issued by processed cycles, by stress level",
    labelNames: ["stress_level"] as const,
    registers: [this.registry],
  });
  private readonly driftEvents = new Counter({
    name: "keel_drift_events_total",
    help: "Drift events recorded, by drift level",
    labelNames: ["level"] as const,
    registers: [this.registry],
  });
  private readonly rollbacks = new Counter({
    name: "keel_rollbacks_total",
    help: "Cycles that rolled the agent back to its last stable snapshot (critical drift)",
    registers: [this.registry],
  });
  private readonly commitSeconds = new Histogram({
    name: "keel_store_commit_duration_seconds",
    help: "Latency of one store commit attempt, by result (ok, conflict, error)",
    labelNames: ["result"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private readonly commitBatch = new Histogram({
    name: "keel_store_commit_batch_size",
    help: "Cycles carried by one successful store commit (0 for a reset)",
    buckets: [0, 1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
  });

  private readonly authFailures = new Counter({
    name: "keel_auth_failures_total",
    help: "Calls refused by the API-key gate, by reason (missing, malformed, unknown, revoked, scope)",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  private readonly quotaRejections = new Counter({
    name: "keel_quota_rejections_total",
    help: "Calls and session frames refused with RESOURCE_EXHAUSTED for a key over its quota, by quota (cycles, sessions)",
    labelNames: ["quota"] as const,
    registers: [this.registry],
  });

  /** openSessions is read at scrape time, so the gauge cannot drift from the registry it mirrors. */
  constructor(openSessions: () => number, build: BuildInfo = buildInfo()) {
    new Gauge({
      name: "keel_build_info",
      help: "Always 1; the labels say which build is running",
      labelNames: ["version", "revision", "node_version", "grpc_server", "store"] as const,
      registers: [this.registry],
    }).set({ ...build }, 1);
    new Gauge({
      name: "keel_open_sessions",
      help: "Session streams currently open on this server",
      registers: [this.registry],
      collect() {
        this.set(openSessions());
      },
    });
    collectDefaultMetrics({ register: this.registry });
    // Every label value present from the start, so a dashboard's rate() has a zero to start from.
    for (const reason of AUTH_FAILURE_REASONS) this.authFailures.inc({ reason }, 0);
    for (const quota of ["cycles", "sessions"] as const) this.quotaRejections.inc({ quota }, 0);
  }

  authFailure(reason: AuthFailureReason): void {
    this.authFailures.inc({ reason });
  }

  quotaRejection(quota: QuotaName): void {
    this.quotaRejections.inc({ quota });
  }

  method(service: string, method: string, kind: MethodKind): MethodSeries {
    return this.rpcs.method(service, method, kind);
  }

  cycles(outcomes: readonly RecordedOutcome[]): void {
    this.cyclesTotal.inc(outcomes.length);
    for (const o of outcomes) {
      this.contracts.inc({ stress_level: o.contract.currentStressLevel });
      if (o.driftEvent) this.driftEvents.inc({ level: o.driftEvent.level });
      if (o.rolledBack) this.rollbacks.inc();
    }
  }

  commit(seconds: number, result: "ok" | "conflict" | "error", batchSize: number): void {
    this.commitSeconds.observe({ result }, seconds);
    if (result === "ok") this.commitBatch.observe(batchSize);
  }

  /** Answers GET/HEAD /metrics in the Prometheus text format; unauthenticated, like health. */
  async serve(
    req: http.IncomingMessage | http2.Http2ServerRequest,
    res: http.ServerResponse | http2.Http2ServerResponse,
  ): Promise<void> {
    const out = res as http.ServerResponse;
    if (req.method !== "GET" && req.method !== "HEAD") {
      out.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" });
      out.end("method not allowed\n");
      return;
    }
    try {
      // prom-client 15.1.3 writes NaN as "Nan" (e.g. event-loop lag before its first sample);
      // the exposition format spells it NaN. A value is always last on its line.
      const body = (await this.registry.metrics()).replace(/ Nan$/gm, " NaN");
      out.writeHead(200, { "content-type": this.registry.contentType });
      out.end(req.method === "HEAD" ? undefined : body);
    } catch (err) {
      out.writeHead(500, { "content-type": "text/plain" });
      out.end(`collecting metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
}
