// ContractService through a real server: put (validate, seal, store), reads, diff, verify,
// generate, keys, and the error codes.
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import fc from "fast-check";
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SealStatus } from "../../gen/keel/v1/contract_service_pb.js";
import { Action } from "../../gen/keel/v1/modes_pb.js";
import { keyring } from "../../src/contracts/keys.js";
import { normalizeContract } from "../../src/contracts/normalize.js";
import { seal } from "../../src/contracts/seal.js";
import { contractFromWire, contractToWire } from "../../src/rpc/contract-mapping.js";
import type { TestServer } from "../support/server.js";
import { newSigningKey } from "./fixtures.js";
import { clientsFor, failure, newAgent, racingVersions, startContractServer, type Clients } from "./harness.js";

const key = newSigningKey();
let server: TestServer;
let unkeyed: TestServer;
let c: Clients;
beforeAll(async () => {
  server = await startContractServer({ keys: keyring(key, []) });
  unkeyed = await startContractServer();
  c = clientsFor(server.baseUrl);
});
afterAll(async () => {
  await Promise.all([server.close(), unkeyed.close()]);
});

const body = { expectedActionDistribution: { read: 0.75, write: 0.25 }, driftThresholds: { action: 0.2 } };

describe("PutContract and reads", () => {
  it("stores versions 1, 2, 3 with defaults applied, and reads them back", async () => {
    const id = await newAgent(c);
    const v1 = (await c.contracts.putContract({ contract: { agentId: id, ...body } })).contract!;
    expect(v1).toMatchObject({ version: 1, agentId: id, archetype: "general", initialTrust: 0.5, trustFloor: 0, trustCeiling: 1, signature: "" });
    expect(v1.policy).toMatchObject({ window: 50, minObservations: 20, priorWeight: 50 });
    expect(v1.contractId).toMatch(/^[0-9a-f-]{36}$/);
    const v2 = (await c.contracts.putContract({ contract: { agentId: id, version: 2, ...body, initialTrust: 0.6 } })).contract!;
    await c.contracts.putContract({ contract: { agentId: id, ...body } });
    expect((await c.contracts.getActiveContract({ agentId: id })).contract!.version).toBe(3);
    expect((await c.contracts.getContractVersion({ agentId: id, version: 2 })).contract).toEqual(v2);
    const page1 = await c.contracts.listContractHistory({ agentId: id, pageSize: 2 });
    const page2 = await c.contracts.listContractHistory({ agentId: id, pageSize: 2, pageToken: page1.nextPageToken });
    expect([...page1.contracts, ...page2.contracts].map((x) => x.version)).toEqual([1, 2, 3]);
    expect(page2.nextPageToken).toBe("");
  });

  it("diffs two versions field by field", async () => {
    const id = await newAgent(c);
    const at = (ms: number) => timestampFromMs(ms);
    const a = (await c.contracts.putContract({ contract: { agentId: id, ...body, createdAt: at(1000) } })).contract!;
    const b = (
      await c.contracts.putContract({
        contract: { agentId: id, ...body, createdAt: at(2000), expectedActionDistribution: { read: 0.5, write: 0.5 }, authorizedScope: { actions: [Action.CLARIFY] } },
      })
    ).contract!;
    const { changes } = await c.contracts.diffContracts({ agentId: id, fromVersion: 1, toVersion: 2 });
    const json = (v: (typeof changes)[0]["oldValue"]) => (v === undefined ? undefined : v.kind.case === "listValue" ? v.kind.value.values.map((x) => x.kind.value) : v.kind.value);
    expect(changes.map((x) => [x.path, json(x.oldValue), json(x.newValue)])).toEqual([
      ["authorized_scope.actions", [], ["clarify"]],
      ["contract_id", a.contractId, b.contractId],
      ["created_at_ms", 1000, 2000],
      ['expected_action_distribution["read"]', 0.75, 0.5],
      ['expected_action_distribution["write"]', 0.25, 0.5],
      ["version", 1, 2],
    ]);
    expect((await c.contracts.diffContracts({ agentId: id, fromVersion: 2, toVersion: 2 })).changes).toEqual([]);
  });

  it("rejects an invalid contract with INVALID_ARGUMENT naming every problem, and stores nothing", async () => {
    const id = await newAgent(c);
    const err = await failure(
      c.contracts.putContract({
        contract: {
          agentId: id,
          expectedActionDistribution: { read: 0.5 },
          trustFloor: 0.8,
          driftThresholds: { overall: 2 },
          authorizedScope: { actions: [Action.EMOTIONAL_MANIPULATION] },
          invariants: [{ id: "x" }, { id: "y", rule: { case: "ratio", value: { numerator: "a", denominator: "b", threshold: 1 } } }],
        },
      }),
    );
    expect(err.code).toBe(Code.InvalidArgument);
    const lines = err.rawMessage.split("\n");
    expect(lines[0]).toBe("the contract is invalid - 7 problems");
    expect(lines.slice(1)).toEqual([
      "invariants[0] must set one rule - ratio distribution drift semantic temporal rate count or sum",
      "invariants[1].ratio.dimension is required",
      "invariants[1].ratio.comparison is required",
      "expected_action_distribution sums to 0.5 - must sum to 1 within 0.000001 (or be empty)",
      "authorized_scope.actions must not contain EMOTIONAL_MANIPULATION - it is always forbidden",
      "trust must satisfy trust_floor <= initial_trust <= trust_ceiling (got 0.8 then 0.5 then 1)",
      "drift_thresholds.overall must be from 0 to 1 (got 2)",
    ]);
    expect((await failure(c.contracts.getActiveContract({ agentId: id }))).code).toBe(Code.NotFound);
    expect((await c.contracts.listContractHistory({ agentId: id })).contracts).toEqual([]);
  });

  it("refuses versions that do not increase by one with FAILED_PRECONDITION", async () => {
    const id = await newAgent(c);
    await c.contracts.putContract({ contract: { agentId: id, ...body } });
    for (const version of [1, 3]) {
      const err = await failure(c.contracts.putContract({ contract: { agentId: id, version, ...body } }));
      expect(err.code).toBe(Code.FailedPrecondition);
      expect(err.rawMessage).toMatch(version === 1 ? /not above the active version 1/ : /skips ahead - the next version .* is 2/);
    }
    expect((await c.contracts.getActiveContract({ agentId: id })).contract!.version).toBe(1);
  });

  it("answers NOT_FOUND for unknown agents and versions, INVALID_ARGUMENT for malformed ids", async () => {
    const id = await newAgent(c);
    expect((await failure(c.contracts.putContract({ contract: { agentId: "inst_0000000000000000" } }))).code).toBe(Code.NotFound);
    expect((await failure(c.contracts.getContractVersion({ agentId: id, version: 4 }))).code).toBe(Code.NotFound);
    expect((await failure(c.contracts.diffContracts({ agentId: id, fromVersion: 1, toVersion: 2 }))).code).toBe(Code.NotFound);
    expect((await failure(c.contracts.getActiveContract({ agentId: "agent-1" }))).code).toBe(Code.InvalidArgument);
  });
});

describe("sealing and verification", () => {
  it("seals with the server key on request; Verify reports valid, and unsealed for others", async () => {
    const id = await newAgent(c);
    const sealed = (await c.contracts.putContract({ contract: { agentId: id, ...body }, seal: true })).contract!;
    expect(sealed.signer).toBe(key.keyId);
    expect(sealed.signature).toMatch(/^[0-9a-f]{128}$/);
    expect(await c.contracts.verifyContract({ agentId: id })).toMatchObject({ valid: true, status: SealStatus.VALID, problems: [] });
    expect(await c.contracts.verifyContract({ contract: sealed })).toMatchObject({ valid: true });
    const tampered = { ...sealed, trustCeiling: 0.9 };
    expect(await c.contracts.verifyContract({ contract: tampered })).toMatchObject({ valid: false, status: SealStatus.INVALID });
    await c.contracts.putContract({ contract: { agentId: id, ...body } });
    expect(await c.contracts.verifyContract({ agentId: id, version: 2 })).toMatchObject({ valid: false, status: SealStatus.UNSEALED });
  });

  it("accepts a contract sealed elsewhere with a known key, and refuses a tampered or foreign one", async () => {
    const id = await newAgent(c);
    // The CLI's path: a generated preview, sealed locally with the same key the server trusts.
    const preview = contractFromWire((await c.contracts.generateContract({ agentId: id, archetype: "analytics" })).contract!).contract;
    const local = seal(normalizeContract({ ...preview, createdAtMs: preview.createdAtMs ?? 0 }), key);
    const put = await c.contracts.putContract({ contract: contractToWire(local) });
    expect(put.contract!.signature).toBe(local.signature);
    const next = { ...local, version: 2, contractId: "next" };
    const tampered = { ...seal(next, key), initialTrust: 0.9 };
    const err = await failure(c.contracts.putContract({ contract: contractToWire(tampered) }));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toMatch(/seal - the signature does not match/);
    const foreign = await failure(c.contracts.putContract({ contract: contractToWire(seal(next, newSigningKey())) }));
    expect(foreign.rawMessage).toMatch(/is not a key this server knows/);
  });

  it("refuses to seal without a signing key, and publishes its public keys", async () => {
    const u = clientsFor(unkeyed.baseUrl);
    const id = await newAgent(u);
    const err = await failure(u.contracts.putContract({ contract: { agentId: id }, seal: true }));
    expect(err.code).toBe(Code.FailedPrecondition);
    expect((await u.contracts.listSigningKeys({})).keys).toEqual([]);
    const { keys } = await c.contracts.listSigningKeys({});
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ keyId: key.keyId, signing: true });
    expect(keys[0]!.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });
});

describe("GenerateContract", () => {
  it("previews or stores (and seals) a contract from an archetype prior", async () => {
    const id = await newAgent(c);
    const preview = await c.contracts.generateContract({ agentId: id, archetype: "sales-assistant" });
    expect(preview).toMatchObject({ priorFound: true, prior: "sales-agent" });
    expect(preview.contract!.expectedTargetDistribution).toMatchObject({ prospect: 0.3, crm: 0.1 });
    expect((await c.contracts.listContractHistory({ agentId: id })).contracts).toEqual([]);
    const stored = await c.contracts.generateContract({ agentId: id, archetype: "nobody-knows", store: true, seal: true });
    expect(stored).toMatchObject({ priorFound: false, prior: "" });
    expect(stored.contract).toMatchObject({ version: 1, expectedActionDistribution: {}, signer: key.keyId });
    expect((await failure(c.contracts.generateContract({ agentId: id, seal: true }))).code).toBe(Code.InvalidArgument);
  });
});

describe("concurrent puts", () => {
  it("keep versions strictly increasing and gapless, and someone wins", async () => {
    await fc.assert(
      fc.asyncProperty(racingVersions(4, 12), async (versions) => {
        const id = await newAgent(c);
        const results = await Promise.allSettled(
          versions.map((version) => c.contracts.putContract({ contract: { agentId: id, version, ...body, invariants: [{ id: "t", rule: { case: "temporal", value: { startHour: 1, endHour: 2 } } }] } })),
        );
        const won = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.contract!.version] : []));
        const history = (await c.contracts.listContractHistory({ agentId: id, pageSize: 100 })).contracts.map((x) => x.version);
        expect(history).toEqual(Array.from({ length: history.length }, (_, i) => i + 1));
        // Each stored version was won by exactly one put.
        expect([...won].sort((a, b) => a - b)).toEqual(history);
        // Every race holds a put that is valid on an empty history (version 0 or 1): one must win.
        expect(won.length).toBeGreaterThan(0);
        results.forEach((r, i) => {
          if (r.status === "fulfilled") return;
          const code = (r.reason as { code: Code }).code;
          // "The next version" retries and can only be out-raced (ABORTED); an explicit version loses as FAILED_PRECONDITION.
          expect(code).toBe(versions[i] === 0 ? Code.Aborted : Code.FailedPrecondition);
        });
      }),
      { numRuns: 100 },
    );
  });
});
