// The KeyStore's behaviour, against the in-process store and against MongoStore on a real FerretDB.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MemoryStore } from "../../src/store/memory.js";
import { connectMongoStore } from "../../src/store/mongo/index.js";
import { InvalidPageTokenError, KeyExistsError, type ApiKeyRecord, type Store } from "../../src/store/types.js";
import { startMongoServer, type MongoServer } from "../support/mongo-server.js";

let mongo: MongoServer;
beforeAll(async () => {
  mongo = await startMongoServer();
});
afterAll(async () => {
  await mongo?.dispose();
});

let serial = 0;
function key(tenant: string, createdAtMs: number, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  serial++;
  return {
    id: `keel_${serial.toString(16).padStart(16, "0")}`,
    tenant,
    name: `key ${serial}`,
    scope: "engine",
    secretHash: "ab".repeat(32),
    cyclesPerSecond: 0,
    maxSessions: 0,
    createdAtMs,
    createdBy: "bootstrap",
    revokedAtMs: null,
    ...overrides,
  };
}

const stores: [string, () => Promise<Store>][] = [
  ["memory", async () => new MemoryStore()],
  ["mongo", () => connectMongoStore({ uri: mongo.uri, dbName: mongo.database("keys") })],
];

describe.each(stores)("KeyStore (%s)", (_name, open) => {
  let store: Store;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store.close();
  });

  it("is empty until the first key, and returns keys exactly as created", async () => {
    expect(await store.keys.isEmpty()).toBe(true);
    const created = key("team-a", 1000, { scope: "admin", cyclesPerSecond: 50, maxSessions: 2, createdBy: "keel_00000000000000ff" });
    await store.keys.createKey(created);
    expect(await store.keys.isEmpty()).toBe(false);
    expect(await store.keys.getKey(created.id)).toEqual(created);
    expect(await store.keys.getKey("keel_ffffffffffffffff")).toBeNull();
  });

  it("refuses a second key with the same id and keeps the first", async () => {
    const first = key("team-a", 1000);
    await store.keys.createKey(first);
    await expect(store.keys.createKey({ ...first, tenant: "team-b", secretHash: "cd".repeat(32) })).rejects.toBeInstanceOf(KeyExistsError);
    expect(await store.keys.getKey(first.id)).toEqual(first);
  });

  it("lists only the tenant's keys, in creation order, across pages", async () => {
    const mine = [key("team-a", 3000), key("team-a", 1000), key("team-a", 2000), key("team-a", 2000)];
    const theirs = key("team-b", 1500);
    for (const k of [...mine, theirs]) await store.keys.createKey(k);
    const seen: string[] = [];
    let pageToken = "";
    let pages = 0;
    do {
      const page = await store.keys.listKeys("team-a", { pageSize: 3, pageToken });
      seen.push(...page.items.map((k) => k.id));
      pageToken = page.nextPageToken;
      pages++;
    } while (pageToken && pages < 10);
    const expected = [...mine].sort((a, b) => a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : 1)).map((k) => k.id);
    expect(seen).toEqual(expected);
    expect(pages).toBe(2);
    expect((await store.keys.listKeys("team-b", { pageSize: 10, pageToken: "" })).items.map((k) => k.id)).toEqual([theirs.id]);
    expect((await store.keys.listKeys("team-c", { pageSize: 10, pageToken: "" })).items).toEqual([]);
  });

  it("rejects one tenant's page token in another tenant's listing", async () => {
    for (let i = 0; i < 3; i++) await store.keys.createKey(key("team-a", 1000 + i));
    const { nextPageToken } = await store.keys.listKeys("team-a", { pageSize: 1, pageToken: "" });
    expect(nextPageToken).not.toBe("");
    await expect(store.keys.listKeys("team-b", { pageSize: 1, pageToken: nextPageToken })).rejects.toBeInstanceOf(InvalidPageTokenError);
  });

  it("revokes within the tenant only, once: the first revocation time stays", async () => {
    const k = key("team-a", 1000);
    await store.keys.createKey(k);
    expect(await store.keys.revokeKey("team-b", k.id, 5000)).toBeNull();
    expect((await store.keys.getKey(k.id))?.revokedAtMs).toBeNull();
    expect(await store.keys.revokeKey("team-a", k.id, 6000)).toEqual({ ...k, revokedAtMs: 6000 });
    expect((await store.keys.revokeKey("team-a", k.id, 7000))?.revokedAtMs).toBe(6000);
    expect((await store.keys.getKey(k.id))?.revokedAtMs).toBe(6000);
    expect(await store.keys.revokeKey("team-a", "keel_ffffffffffffffff", 8000)).toBeNull();
  });

  it("counts a tenant's keys that are not revoked, and no other tenant's", async () => {
    expect(await store.keys.countActiveKeys("team-a")).toBe(0);
    const mine = [key("team-a", 1000), key("team-a", 1001), key("team-a", 1002)];
    for (const k of mine) await store.keys.createKey(k);
    await store.keys.createKey(key("team-b", 1003));
    await store.keys.revokeKey("team-a", mine[1]!.id, 2000);
    expect(await store.keys.countActiveKeys("team-a")).toBe(2);
    expect(await store.keys.countActiveKeys("team-b")).toBe(1);
  });

  it("keeps a tenant's ceilings: none until set, then exactly the last ones set, per tenant", async () => {
    expect(await store.keys.getTenantLimits("team-a")).toBeNull();
    const first = { tenant: "team-a", maxKeys: 5, cyclesPerSecond: 100, maxSessions: 7, updatedAtMs: 1000, updatedBy: "keel_00000000000000ff" };
    await store.keys.setTenantLimits(first);
    expect(await store.keys.getTenantLimits("team-a")).toEqual(first);
    const second = { ...first, maxKeys: 0, cyclesPerSecond: 50, updatedAtMs: 2000 };
    await store.keys.setTenantLimits(second);
    await store.keys.setTenantLimits({ ...first, tenant: "team-b", maxSessions: 1 });
    expect(await store.keys.getTenantLimits("team-a")).toEqual(second);
    expect((await store.keys.getTenantLimits("team-b"))?.maxSessions).toBe(1);
    expect(await store.keys.getTenantLimits("team-c")).toBeNull();
  });
});
