// The gRPC server metrics every Prometheus dashboard for gRPC already knows (go-grpc-prometheus /
// grpc-ecosystem names): started, handled and latency per method with grpc_type, grpc_service,
// grpc_method and grpc_code (gRPC's code names, "OK", "NotFound"…), and messages received/sent on
// streams. Label children are resolved once per method and code, so a call costs a few increments.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** go-grpc-prometheus's grpc_type values, by Connect method kind. */
export const GRPC_TYPES = {
  unary: "unary",
  client_streaming: "client_stream",
  server_streaming: "server_stream",
  bidi_streaming: "bidi_stream",
} as const;
export type MethodKind = keyof typeof GRPC_TYPES;

/** One method's resolved series. */
export interface MethodSeries {
  readonly type: MethodKind;
  started(): void;
  handled(code: string, seconds: number): void;
  received(): void;
  sent(): void;
}

export class RpcMetrics {
  private readonly startedTotal: Counter<"grpc_type" | "grpc_service" | "grpc_method">;
  private readonly handledTotal: Counter<"grpc_type" | "grpc_service" | "grpc_method" | "grpc_code">;
  private readonly seconds: Histogram<"grpc_type" | "grpc_service" | "grpc_method" | "grpc_code">;
  private readonly receivedTotal: Counter<"grpc_type" | "grpc_service" | "grpc_method">;
  private readonly sentTotal: Counter<"grpc_type" | "grpc_service" | "grpc_method">;
  private readonly byMethod = new Map<string, MethodSeries>();
  /** Calls started and not yet handled, by grpc_type; read at scrape time. */
  private readonly inFlight: Record<MethodKind, number> = { unary: 0, client_streaming: 0, server_streaming: 0, bidi_streaming: 0 };

  constructor(registry: Registry) {
    const registers = [registry];
    const base = ["grpc_type", "grpc_service", "grpc_method"] as const;
    this.startedTotal = new Counter({ name: "grpc_server_started_total", help: "RPCs started on the server", labelNames: base, registers });
    this.handledTotal = new Counter({
      name: "grpc_server_handled_total",
      help: "RPCs completed on the server, regardless of success or failure",
      labelNames: [...base, "grpc_code"],
      registers,
    });
    this.seconds = new Histogram({
      name: "grpc_server_handling_seconds",
      help: "Response latency (seconds) of RPCs until handled by the server; a stream's whole life",
      labelNames: [...base, "grpc_code"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.receivedTotal = new Counter({
      name: "grpc_server_msg_received_total",
      help: "Stream messages received from clients (streaming RPCs)",
      labelNames: base,
      registers,
    });
    this.sentTotal = new Counter({
      name: "grpc_server_msg_sent_total",
      help: "Stream messages sent to clients (streaming RPCs)",
      labelNames: base,
      registers,
    });
    const inFlight = this.inFlight;
    new Gauge({
      name: "keel_rpc_in_flight",
      help: "RPCs started and not yet handled on this server, by grpc_type (open streams included)",
      labelNames: ["grpc_type"] as const,
      registers,
      collect() {
        for (const kind of Object.keys(GRPC_TYPES) as MethodKind[]) this.set({ grpc_type: GRPC_TYPES[kind] }, inFlight[kind]);
      },
    });
  }

  /** The series of `service/method`, resolved on first use. */
  method(service: string, method: string, kind: MethodKind): MethodSeries {
    const key = `${service}/${method}`;
    let series = this.byMethod.get(key);
    if (!series) {
      series = this.resolve(service, method, kind);
      this.byMethod.set(key, series);
    }
    return series;
  }

  private resolve(service: string, method: string, kind: MethodKind): MethodSeries {
    const labels = { grpc_type: GRPC_TYPES[kind], grpc_service: service, grpc_method: method };
    const started = this.startedTotal.labels(labels);
    const received = this.receivedTotal.labels(labels);
    const sent = this.sentTotal.labels(labels);
    const byCode = new Map<string, { handled: Counter.Internal; seconds: Histogram.Internal<string> }>();
    const inFlight = this.inFlight;
    return {
      type: kind,
      started() {
        inFlight[kind]++;
        started.inc();
      },
      handled: (code, seconds) => {
        inFlight[kind]--;
        let c = byCode.get(code);
        if (!c) {
          const withCode = { ...labels, grpc_code: code };
          c = { handled: this.handledTotal.labels(withCode), seconds: this.seconds.labels(withCode) };
          byCode.set(code, c);
        }
        c.handled.inc();
        c.seconds.observe(seconds);
      },
      received: () => received.inc(),
      sent: () => sent.inc(),
    };
  }
}
