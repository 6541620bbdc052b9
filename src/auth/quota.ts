// Per-key quotas: a token bucket on cycles per second and a count of open sessions; and the same
// two per tenant when the operator set the tenant's ceilings (all its keys together). Pure: every
// method takes the time as an argument (milliseconds, monotonic), so tests and properties drive
// the clock. Limits are per replica: each server keeps its own book, so with N replicas behind a
// load balancer a key can reach up to N times its limits (see README, Quotas).

/** A token bucket: starts full with `burst` tokens and refills `rate` tokens per second. */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#last = now;
  }

  /**
   * Takes `n` tokens if the bucket holds them and answers 0; otherwise takes nothing and answers
   * how many milliseconds until it will hold them (at least 1), or Infinity when `n` is more than
   * the bucket can ever hold.
   */
  take(n: number, now: number): number {
    const wait = this.waitFor(n, now);
    if (wait === 0) this.#tokens = Math.max(0, this.#tokens - n);
    return wait;
  }

  /** What take(n, now) would answer, taking nothing. */
  waitFor(n: number, now: number): number {
    if (now > this.#last) {
      this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) * this.rate) / 1000);
      this.#last = now;
    }
    // A hair of tolerance for floating-point refill, so traffic exactly at the rate is not refused.
    if (n <= this.#tokens + 1e-9) return 0;
    if (n > this.burst) return Number.POSITIVE_INFINITY;
    return Math.max(1, Math.ceil(((n - this.#tokens) * 1000) / this.rate));
  }

  /** Tokens held at `now` (for tests and benchmarks; does not change the bucket). */
  available(now: number): number {
    return Math.min(this.burst, this.#tokens + (Math.max(0, now - this.#last) * this.rate) / 1000);
  }
}

/** Server-wide defaults; 0 means unlimited. */
export interface QuotaLimits {
  cyclesPerSecond: number;
  /** Bucket size for keys without an override. */
  cyclesBurst: number;
  sessions: number;
}

/** What the book needs to know of a key: its id and its overrides (0 = the server's default). */
export interface KeyLimits {
  id: string;
  cyclesPerSecond: number;
  maxSessions: number;
}

export type QuotaName = "cycles" | "sessions";

/** A tenant's ceilings as the book needs them; 0 means no ceiling. */
export interface TenantCeiling {
  tenant: string;
  cyclesPerSecond: number;
  maxSessions: number;
}

/** The quotas of every key this replica has seen. */
export class QuotaBook {
  readonly #buckets = new Map<string, TokenBucket | null>();
  readonly #sessions = new Map<string, number>();
  readonly #tenantBuckets = new Map<string, TokenBucket>();
  readonly #tenantSessions = new Map<string, number>();

  constructor(readonly defaults: QuotaLimits) {}

  /**
   * Ms until the tenant's keys together may send `n` more cycles (0: now; Infinity: never in one
   * go). Takes nothing: the gate takes from the tenant only once the key's own bucket allowed it.
   */
  tenantCyclesWait(ceiling: TenantCeiling, n: number, now: number): number {
    const bucket = this.#tenantBucket(ceiling, now);
    return bucket ? bucket.waitFor(n, now) : 0;
  }

  takeTenantCycles(ceiling: TenantCeiling, n: number, now: number): void {
    this.#tenantBucket(ceiling, now)?.take(n, now);
  }

  /** The tenant bucket's size: twice the ceiling's rate, as for a key's own override. */
  tenantBurstOf(ceiling: TenantCeiling): number {
    return 2 * ceiling.cyclesPerSecond;
  }

  /** Counts a session as open for the tenant unless that would pass its ceiling. */
  openTenantSession(ceiling: TenantCeiling): boolean {
    const open = this.#tenantSessions.get(ceiling.tenant) ?? 0;
    if (ceiling.maxSessions > 0 && open >= ceiling.maxSessions) return false;
    this.#tenantSessions.set(ceiling.tenant, open + 1);
    return true;
  }

  closeTenantSession(tenant: string): void {
    const open = this.#tenantSessions.get(tenant) ?? 0;
    if (open <= 1) this.#tenantSessions.delete(tenant);
    else this.#tenantSessions.set(tenant, open - 1);
  }

  tenantOpenSessions(tenant: string): number {
    return this.#tenantSessions.get(tenant) ?? 0;
  }

  /** The tenant's bucket; a new (full) one when the operator changed the rate; none without a ceiling. */
  #tenantBucket(ceiling: TenantCeiling, now: number): TokenBucket | undefined {
    if (ceiling.cyclesPerSecond <= 0) {
      this.#tenantBuckets.delete(ceiling.tenant);
      return undefined;
    }
    let bucket = this.#tenantBuckets.get(ceiling.tenant);
    if (!bucket || bucket.rate !== ceiling.cyclesPerSecond) {
      bucket = new TokenBucket(ceiling.cyclesPerSecond, this.tenantBurstOf(ceiling), now);
      this.#tenantBuckets.set(ceiling.tenant, bucket);
    }
    return bucket;
  }

  /** Charges `n` cycles to the key: 0 when allowed, else ms to wait (Infinity: n can never fit). */
  takeCycles(key: KeyLimits, n: number, now: number): number {
    let bucket = this.#buckets.get(key.id);
    if (bucket === undefined) {
      bucket = this.#newBucket(key, now);
      this.#buckets.set(key.id, bucket);
    }
    return bucket === null ? 0 : bucket.take(n, now);
  }

  /** The bucket size for a key: its override's twice the rate, else the server's burst. */
  burstOf(key: KeyLimits): number {
    return key.cyclesPerSecond > 0 ? 2 * key.cyclesPerSecond : this.defaults.cyclesBurst;
  }

  /** The session limit of a key; 0 means unlimited. */
  sessionLimitOf(key: KeyLimits): number {
    return key.maxSessions > 0 ? key.maxSessions : this.defaults.sessions;
  }

  /** Counts a session as open for the key unless that would pass its limit. */
  openSession(key: KeyLimits): boolean {
    const limit = this.sessionLimitOf(key);
    const open = this.#sessions.get(key.id) ?? 0;
    if (limit > 0 && open >= limit) return false;
    this.#sessions.set(key.id, open + 1);
    return true;
  }

  closeSession(keyId: string): void {
    const open = this.#sessions.get(keyId) ?? 0;
    if (open <= 1) this.#sessions.delete(keyId);
    else this.#sessions.set(keyId, open - 1);
  }

  openSessions(keyId: string): number {
    return this.#sessions.get(keyId) ?? 0;
  }

  #newBucket(key: KeyLimits, now: number): TokenBucket | null {
    const rate = key.cyclesPerSecond > 0 ? key.cyclesPerSecond : this.defaults.cyclesPerSecond;
    return rate > 0 ? new TokenBucket(rate, this.burstOf(key), now) : null;
  }
}
