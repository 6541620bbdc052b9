// grpc.health.v1.Health, so Kubernetes gRPC probes, grpc-health-probe and grpcurl work.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import {
  Health,
  HealthCheckResponse_ServingStatus as ServingStatus,
  HealthCheckResponseSchema,
  HealthListResponseSchema,
  type HealthCheckResponse,
} from "../../gen/health/v1/health_pb.js";

/** Health service name for liveness probes: fails only when the process cannot answer at all. */
export const LIVENESS = "liveness";
/** Health service name for readiness probes: the store is reachable and the server is not draining. */
export const READINESS = "readiness";

/**
 * Serving status per health service name. Two questions, answered separately so that a database
 * outage never restarts pods: "" and "liveness" say the process is alive (SERVING as long as it
 * answers), "readiness" and each Keel service name say it can serve calls now (store reachable,
 * started, not draining).
 */
export class HealthRegistry {
  private readonly services: ReadonlySet<string>;
  private readonly watchers = new Set<() => void>();
  #storeHealthy = false;
  #draining = false;

  constructor(services: string[]) {
    this.services = new Set([READINESS, ...services]);
  }

  /** Whether the store can serve; readiness follows it until draining begins. */
  setStoreHealthy(healthy: boolean): void {
    this.#update(() => (this.#storeHealthy = healthy));
  }

  /** Readiness goes NOT_SERVING for good; liveness is unaffected. */
  startDraining(): void {
    this.#update(() => (this.#draining = true));
  }

  /** Can serve calls now. */
  ready(): boolean {
    return this.#storeHealthy && !this.#draining;
  }

  /** Alive: true whenever this code runs at all (a wedged process does not answer). */
  live(): boolean {
    return true;
  }

  status(service: string): ServingStatus | undefined {
    if (service === "" || service === LIVENESS) return this.live() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    if (!this.services.has(service)) return undefined;
    return this.ready() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
  }

  entries(): [string, ServingStatus][] {
    return ["", LIVENESS, ...this.services].map((name) => [name, this.status(name)!]);
  }

  #update(change: () => void): void {
    const before = this.ready();
    change();
    if (this.ready() !== before) for (const notify of this.watchers) notify();
  }

  /** Resolves on the next status change or when the signal aborts. */
  changed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.watchers.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.watchers.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }
}

function response(status: ServingStatus): HealthCheckResponse {
  return create(HealthCheckResponseSchema, { status });
}

export function healthService(registry: HealthRegistry): ServiceImpl<typeof Health> {
  return {
    check(req) {
      const status = registry.status(req.service);
      if (status === undefined) {
        throw new ConnectError(`unknown service "${req.service}"`, Code.NotFound);
      }
      return response(status);
    },
    list() {
      const statuses: Record<string, HealthCheckResponse> = {};
      for (const [name, status] of registry.entries()) statuses[name] = response(status);
      return create(HealthListResponseSchema, { statuses });
    },
    async *watch(req, ctx: HandlerContext) {
      let last: ServingStatus | undefined;
      while (!ctx.signal.aborted) {
        const status = registry.status(req.service) ?? ServingStatus.SERVICE_UNKNOWN;
        if (status !== last) {
          last = status;
          yield response(status);
        }
        await registry.changed(ctx.signal);
      }
    },
  };
}
