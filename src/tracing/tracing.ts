// OpenTelemetry tracing, off unless configured (docs/observability.md). With no OTLP endpoint in the
// standard OTEL_* variables the SDK is never loaded and every hook below is one null check: no
// spans, no OpenTelemetry call, no AsyncLocalStorage. Turned on, spans cover the RPC (parent: the
// caller's W3C traceparent, on every transport and on sessions), each engine cycle and each store
// commit (with its batch size).
//
// A call's span is handed down explicitly (CallTrace) rather than found through OpenTelemetry's
// AsyncLocalStorage context manager: on Node 20 that manager hooks every promise the process
// creates, which was most of what tracing cost at saturation (docs/observability.md, "Cost").
import type { Span } from "@opentelemetry/api";

/** The server span of one call, which its cycle and commit spans are children of. */
export interface CallTrace {
  readonly span: Span;
  /** The parent context for child spans (an OpenTelemetry Context, opaque here). */
  readonly parent: unknown;
  /** Ends the span with the call's gRPC status code (and the error's message if it failed). */
  end(grpcCode: number, errorMessage?: string): void;
}

/** What the RPC interceptor and the service need of an active tracer. */
export interface ActiveTracing {
  /** Starts the server span of a call, child of the traceparent in `headers` if any. */
  startCall(name: string, headers: Headers, attributes: Readonly<Record<string, string>>): CallTrace;
  /** A child span of the call around `run` (sync or async), ended when it settles. */
  inSpan<T>(call: CallTrace, name: string, attributes: Record<string, string | number>, run: () => T): T;
  /** Exports every span ended so far. */
  flush(): Promise<void>;
  /** Flushes and stops the exporter. */
  shutdown(): Promise<void>;
}

let active: ActiveTracing | null = null;

/** The active tracing, or null when tracing is off (the common, zero-cost case). */
export function tracing(): ActiveTracing | null {
  return active;
}

/**
 * True when the standard variables ask for traces: an OTLP endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT
 * or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), OTEL_SDK_DISABLED is not "true" and OTEL_TRACES_EXPORTER is
 * not "none".
 */
export function tracingRequested(env: Record<string, string | undefined>): boolean {
  if ((env.OTEL_SDK_DISABLED ?? "").toLowerCase() === "true") return false;
  if ((env.OTEL_TRACES_EXPORTER ?? "").toLowerCase() === "none") return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** Loads the SDK and starts exporting when requested; returns whether tracing is on. */
export async function startTracing(env: Record<string, string | undefined> = process.env): Promise<boolean> {
  if (active || !tracingRequested(env)) return active !== null;
  const { startOtel } = await import("./otel.js");
  active = startOtel(env);
  return true;
}

export async function stopTracing(): Promise<void> {
  const current = active;
  active = null;
  await current?.shutdown();
}

/** Runs one engine cycle in a `keel.engine.cycle` span under the call's span, if the call is traced. */
export function tracedCycle<T>(call: CallTrace | undefined, mode: string, run: () => T): T {
  return call && active ? active.inSpan(call, "keel.engine.cycle", { "keel.mode": mode }, run) : run();
}

/** Runs one store commit attempt in a `keel.store.commit` span under the call's span, if the call is traced. */
export function tracedCommit<T>(call: CallTrace | undefined, batchSize: number, attempt: number, run: () => Promise<T>): Promise<T> {
  return call && active
    ? active.inSpan(call, "keel.store.commit", { "keel.batch_size": batchSize, "keel.attempt": attempt }, run)
    : run();
}
