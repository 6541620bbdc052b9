// OpenTelemetry tracing, off unless configured (docs/observability.md). With no OTLP endpoint in the
// standard OTEL_* variables the SDK is never loaded and every hook below is one null check: no
// spans, no context propagation, no AsyncLocalStorage. Turned on, spans cover the RPC (parent:
// the caller's W3C traceparent, on every transport and on sessions), each engine cycle and each
// store commit (with its batch size).
import type { Span, Tracer } from "@opentelemetry/api";

/** What the RPC interceptor and the service need of an active tracer. */
export interface ActiveTracing {
  readonly tracer: Tracer;
  /** A server span for a call, child of the traceparent in `headers` if any; `run` executes inside it. */
  serverSpan<T>(name: string, headers: Headers, attributes: Record<string, string>, run: (span: Span) => T): T;
  /** The iterable, pulled in the context that is current now (so a stream's work stays in its span). */
  bind<T>(iterable: AsyncIterable<T>): AsyncIterable<T>;
  /** A child span of the current one around `run` (sync or async), ended when it settles. */
  inSpan<T>(name: string, attributes: Record<string, string | number>, run: () => T): T;
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

/** Runs `run` in a span named `name` when tracing is on; otherwise just runs it. */
export function traced<T>(name: string, attributes: Record<string, string | number>, run: () => T): T {
  return active ? active.inSpan(name, attributes, run) : run();
}
