// HTTP/2 connection lifetimes, as grpc-go's MaxConnectionAge and keepalive do: behind a Kubernetes
// Service or a mesh, long-lived HTTP/2 connections pin clients to the replicas that existed when
// they connected; a GOAWAY after a (jittered) maximum age makes clients reconnect and rebalance,
// and in-flight calls get a grace period before the connection is cut. Keepalive PINGs find dead
// peers (a node gone without a FIN) so their sessions and quotas are released.
import type * as http2 from "node:http2";

export interface ConnectionLimits {
  /** 0: connections live as long as the client keeps them. */
  maxConnectionAgeMs: number;
  maxConnectionAgeGraceMs: number;
  /** 0: no PINGs. */
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
}

/** ±10 %, so that connections opened together do not all reconnect together. */
const JITTER = 0.1;

export function limitConnection(session: http2.ServerHttp2Session, limits: ConnectionLimits): void {
  const timers: NodeJS.Timeout[] = [];
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(fn, ms);
    t.unref();
    timers.push(t);
  };
  session.once("close", () => timers.forEach(clearTimeout));

  if (limits.maxConnectionAgeMs > 0) {
    const age = limits.maxConnectionAgeMs * (1 - JITTER + 2 * JITTER * Math.random());
    later(age, () => {
      // close() sends GOAWAY: no new streams, the open ones may finish.
      if (!session.closed) session.close();
      later(limits.maxConnectionAgeGraceMs, () => session.destroy());
    });
  }

  if (limits.keepaliveTimeMs > 0) {
    const interval = setInterval(() => {
      if (session.closed || session.destroyed) return;
      const timeout = setTimeout(() => session.destroy(), limits.keepaliveTimeoutMs);
      timeout.unref();
      const sent = session.ping((err) => {
        clearTimeout(timeout);
        if (err) session.destroy();
      });
      if (!sent) clearTimeout(timeout);
    }, limits.keepaliveTimeMs);
    interval.unref();
    session.once("close", () => clearInterval(interval));
  }
}
