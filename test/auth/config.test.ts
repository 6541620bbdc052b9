// The auth and quota settings: defaults, accepted values, and errors that never echo a secret.
import { describe, expect, it } from "vitest";
import { generateApiKey } from "../../src/auth/api-key.js";
import { ConfigError, loadConfig } from "../../src/config.js";

describe("auth configuration", () => {
  it("is on by default, with operator tenant default, a 5 s cache and no bootstrap key", () => {
    expect(loadConfig({}).auth).toEqual({ enabled: true, operatorTenant: "default", cacheMs: 5000, bootstrapKey: null });
  });

  it("is turned off only explicitly, and refuses anything but on or off", () => {
    expect(loadConfig({ KEEL_AUTH: "off" }).auth.enabled).toBe(false);
    expect(loadConfig({ KEEL_AUTH: "on" }).auth.enabled).toBe(true);
    for (const value of ["OFF", "false", "0", "no", "disabled"]) {
      expect(() => loadConfig({ KEEL_AUTH: value }), value).toThrow(ConfigError);
    }
  });

  it("takes a whole key as KEEL_BOOTSTRAP_KEY and refuses anything else without echoing it", () => {
    const { token } = generateApiKey();
    expect(loadConfig({ KEEL_BOOTSTRAP_KEY: token }).auth.bootstrapKey).toBe(token);
    for (const bad of [token.slice(0, -1), `${token}=`, `Bearer ${token}`, "hunter2-my-secret"]) {
      let err: unknown;
      try {
        loadConfig({ KEEL_BOOTSTRAP_KEY: bad });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toContain("KEEL_BOOTSTRAP_KEY");
      expect((err as Error).message).not.toContain(bad);
      expect((err as Error).message).not.toContain(token.slice(22, 40));
    }
  });

  it("checks the operator tenant and cache TTL", () => {
    expect(loadConfig({ KEEL_OPERATOR_TENANT: "ops-team_1" }).auth.operatorTenant).toBe("ops-team_1");
    expect(() => loadConfig({ KEEL_OPERATOR_TENANT: "Ops" })).toThrow(ConfigError);
    expect(() => loadConfig({ KEEL_OPERATOR_TENANT: "a".repeat(65) })).toThrow(ConfigError);
    expect(loadConfig({ KEEL_AUTH_CACHE_MS: "0" }).auth.cacheMs).toBe(0);
    expect(() => loadConfig({ KEEL_AUTH_CACHE_MS: "-1" })).toThrow(ConfigError);
  });
});

describe("quota configuration", () => {
  it("defaults to 1000 cycles/s with a burst of 2000 and 16 sessions per key", () => {
    expect(loadConfig({}).quota).toEqual({ cyclesPerSecond: 1000, cyclesBurst: 2000, sessions: 16 });
  });

  it("derives the burst from the rate unless set, never below one batch", () => {
    expect(loadConfig({ KEEL_QUOTA_CYCLES_PER_SECOND: "5000" }).quota.cyclesBurst).toBe(10_000);
    expect(loadConfig({ KEEL_QUOTA_CYCLES_PER_SECOND: "5" }).quota.cyclesBurst).toBe(64);
    expect(loadConfig({ KEEL_QUOTA_CYCLES_BURST: "100" }).quota.cyclesBurst).toBe(100);
    expect(() => loadConfig({ KEEL_QUOTA_CYCLES_BURST: "10" })).toThrow(ConfigError);
  });

  it("treats 0 as unlimited and refuses negatives", () => {
    expect(loadConfig({ KEEL_QUOTA_CYCLES_PER_SECOND: "0", KEEL_QUOTA_SESSIONS: "0" }).quota).toMatchObject({ cyclesPerSecond: 0, sessions: 0 });
    expect(() => loadConfig({ KEEL_QUOTA_SESSIONS: "-1" })).toThrow(ConfigError);
    expect(() => loadConfig({ KEEL_QUOTA_CYCLES_PER_SECOND: "1.5" })).toThrow(ConfigError);
  });
});
