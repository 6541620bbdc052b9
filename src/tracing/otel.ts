// The OpenTelemetry SDK, loaded only when tracing is on (tracing.ts). Configured by the standard
// variables, which the SDK reads itself: OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT / _HEADERS / _TIMEOUT,
// OTEL_TRACES_SAMPLER(_ARG), OTEL_BSP_*; OTEL_SERVICE_NAME names the service ("keel" by default).
// Spans are exported as OTLP/HTTP (JSON) in batches; W3C trace context is the propagator.
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { buildInfo } from "../metrics/build-info.js";
import type { ActiveTracing } from "./tracing.js";

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
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(env) }))],
  });
  // Global context manager (AsyncLocalStorage) and W3C propagator, so child spans find their parent.
  provider.register();
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
    tracer,
    serverSpan(name, headers, attributes, run) {
      const parent = propagation.extract(context.active(), headers, headerGetter);
      const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
      return context.with(trace.setSpan(parent, span), () => run(span));
    },
    bind(iterable) {
      const ctx = context.active();
      return {
        [Symbol.asyncIterator]() {
          const it = iterable[Symbol.asyncIterator]();
          return {
            next: (...args) => context.with(ctx, () => it.next(...args)),
            return: (value?: unknown) => context.with(ctx, () => it.return?.(value) ?? Promise.resolve({ done: true as const, value: undefined })),
            throw: (err?: unknown) => context.with(ctx, () => it.throw?.(err) ?? Promise.reject(err)),
          } as AsyncIterator<never>;
        },
      };
    },
    inSpan(name, attributes, run) {
      return tracer.startActiveSpan(name, { attributes }, (span) => settle(span, run));
    },
    async shutdown() {
      await provider.shutdown();
    },
  };
}

/** The OTLP/HTTP traces URL by the specification's rules (the signal-specific variable is used as is). */
function tracesUrl(env: Record<string, string | undefined>): string | undefined {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces`;
  return undefined;
}

function fail(span: Span, err: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}
