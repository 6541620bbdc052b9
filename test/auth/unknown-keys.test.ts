// Issue 15: an unknown key id cost a store read per attempt, and a flood of random ids pushed
// valid keys' records out of the cache (raising valid clients' latency). Unknown ids are now
// remembered apart from known keys, for the cache TTL.
import { describe, expect, it } from "vitest";
import { newKeyRecord, parseApiKey } from "../../src/auth/api-key.js";
import { Authenticator } from "../../src/auth/authenticator.js";
import { MemoryKeyStore } from "../../src/store/memory-keys.js";
import type { ApiKeyRecord } from "../../src/store/types.js";

class CountingKeys extends MemoryKeyStore {
  reads = 0;
  override async getKey(id: string): Promise<ApiKeyRecord | null> {
    this.reads++;
    return super.getKey(id);
  }
}

const refused = (run: () => unknown) =>
  Promise.resolve()
    .then(run)
    .then(() => "accepted", () => "refused");

describe("unknown key ids", () => {
  it("cost one store read per TTL however often they are tried", async () => {
    const keys = new CountingKeys();
    const auth = new Authenticator({ keys, operatorTenant: "ops", cacheTtlMs: 5000, now: () => 0 });
    const { token } = newKeyRecord({ name: "k", tenant: "acme", scope: "admin", createdBy: "x", createdAtMs: 0 });
    for (let i = 0; i < 100; i++) expect(await refused(() => auth.authenticate(`Bearer ${token}`))).toBe("refused");
    expect(keys.reads).toBe(1);
  });

  it("never push a valid key's record out of the cache", async () => {
    const keys = new CountingKeys();
    const auth = new Authenticator({ keys, operatorTenant: "ops", cacheTtlMs: 60_000, maxEntries: 50, now: () => 0 });
    const { record, token } = newKeyRecord({ name: "k", tenant: "acme", scope: "admin", createdBy: "x", createdAtMs: 0 });
    await keys.createKey(record);
    await auth.authenticate(`Bearer ${token}`);
    const secret = parseApiKey(token)!.secret;
    for (let i = 0; i < 500; i++) {
      const id = i.toString(16).padStart(16, "0");
      await refused(() => auth.authenticate(`Bearer keel_${id}_${secret}`));
    }
    const reads = keys.reads;
    // Still cached: answered synchronously, without a read.
    const again = auth.authenticate(`Bearer ${token}`);
    expect(again instanceof Promise).toBe(false);
    expect(keys.reads).toBe(reads);
  });
});
