// The OpenTelemetry SDK, loaded only when tracing is on (tracing.ts). Configured by the standard
// variables, which the SDK reads itself: OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT / _HEADERS / _TIMEOUT,
// OTEL_TRACES_SAMPLER(_ARG), OTEL_BSP_*; OTEL_SERVICE_NAME names the service ("keel" by default).
// Spans are exported as OTLP/HTTP (JSON) in batches; W3C trace context is the propagator.
import { randomBytes } from "node:crypto";
import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider, type IdGenerator } from "@opentelemetry/sdk-trace-node";
import { buildInfo } from "../metrics/build-info.js";
import type { ActiveTracing, CallTrace } from "./tracing.js";

/** Reads W3C headers (traceparent, tracestate) from a Fetch Headers object. */
const headerGetter = {
  keys: (carrier: Headers) => [...carrier.keys()],
  get: (carrier: Headers, key: string) => carrier.get(key) ?? undefined,
};

export function startOtel(env: Record<string, string | undefined>): ActiveTracing {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      "service.name": env.OTEL_SERVICE_NAME || "keel",
      "service.version": buildInfo(env).version,
    }),
    idGenerator: new PooledIdGenerator(),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(env) }))],
  });
  // The global provider and W3C propagator, but no context manager: spans are parented explicitly
  // (CallTrace), so no AsyncLocalStorage hooks every promise of the process.
  provider.register({ contextManager: null });
  const tracer = provider.getTracer("keel");

  const settle = <T>(span: Span, run: () => T): T => {
    let result: T;
    try {
      result = run();
    } catch (err) {
      fail(span, err);
      span.end();
      throw err;
    }
    if (result instanceof Promise) {
      return result.then(
        (value) => {
          span.end();
          return value;
        },
        (err: unknown) => {
          fail(span, err);
          span.end();
          throw err;
        },
      ) as T;
    }
    span.end();
    return result;
  };

  return {
    startCall(name, headers, attributes) {
      const remote = propagation.extract(ROOT_CONTEXT, headers, headerGetter);
      const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, remote);
      return new ServerCall(span, trace.setSpan(remote, span));
    },
    inSpan(call, name, attributes, run) {
      // An unsampled call records nothing below it either (every standard sampler agrees).
      if (!call.span.isRecording()) return run();
      return settle(tracer.startSpan(name, { attributes }, call.parent as Context), run);
    },
    flush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown();
    },
  };
}

class ServerCall implements CallTrace {
  constructor(
    readonly span: Span,
    readonly parent: Context,
  ) {}

  end(grpcCode: number, errorMessage?: string): void {
    this.span.setAttribute("rpc.grpc.status_code", grpcCode);
    if (errorMessage !== undefined) this.span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage });
    this.span.end();
  }
}

/**
 * Trace and span ids cut from a hex string of crypto-random bytes, refilled every 4 KiB: one
 * substring per id instead of the SDK's Math.random calls and Buffer encoding per id.
 */
class PooledIdGenerator implements IdGenerator {
  private pool = "";
  private at = 0;

  generateTraceId(): string {
    return this.take(32);
  }

  generateSpanId(): string {
    return this.take(16);
  }

  private take(chars: number): string {
    for (;;) {
      if (this.at + chars > this.pool.length) {
        this.pool = randomBytes(4096).toString("hex");
        this.at = 0;
      }
      const id = this.pool.slice(this.at, (this.at += chars));
      if (!ALL_ZERO.test(id)) return id; // all zeros is the W3C "invalid id"
    }
  }
}

const ALL_ZERO = /^0+$/;

/** The OTLP/HTTP traces URL by the specification's rules (the signal-specific variable is used as is). */
function tracesUrl(env: Record<string, string | undefined>): string | undefined {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces`;
  return undefined;
}

function fail(span: Span, err: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}
