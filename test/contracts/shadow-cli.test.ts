// `keel contract put --shadow`, `contract get --shadow`, `contract shadow-report` and
// `contract promote`, through a real server and the wire.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
const dir = mkdtempSync(join(tmpdir(), "keel-shadow-cli-"));
beforeAll(async () => {
  server = await startTestServer({});
});
afterAll(async () => {
  await server.close();
});

async function keel(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io = {
    stdout: (t: string) => void (out += t),
    stderr: (t: string) => void (err += t),
    env: { KEEL_SERVER: server.baseUrl, KEEL_API_KEY: server.apiKey },
    readFile: (p: string) => readFileSync(p, "utf8"),
    now: () => 1_800_000_000_000,
  };
  return { code: await main(args, io), out, err };
}

function file(name: string, contract: object): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(contract));
  return path;
}

describe("keel shadow mode", () => {
  it("puts a shadow version, reports what it would block, and promotes it", async () => {
    const id = JSON.parse((await keel(["instance", "create", "--name", "rollout"])).out).instance.id as string;
    expect((await keel(["contract", "put", file("v1.json", { agentId: id })])).code).toBe(0);
    const put = await keel(["contract", "put", file("v2.json", { agentId: id, authorizedScope: { actions: ["ACTION_DEFER"] } }), "--shadow"]);
    expect(put.code).toBe(0);
    expect(JSON.parse(put.out).contract.version).toBe(2);
    expect(JSON.parse((await keel(["contract", "get", id])).out).version).toBe(1);
    expect(JSON.parse((await keel(["contract", "get", id, "--shadow"])).out).version).toBe(2);

    const cycle = JSON.parse((await keel(["process", id, "--mode", "order", "--strength", "0.6", "--action", "read"])).out);
    expect(cycle.outcome.contract.shadow.enforcement.contractVersion).toBe(2);
    expect(cycle.outcome.contract.shadow.wouldBlockRules).toEqual(["scope/actions"]);

    const report = JSON.parse((await keel(["contract", "shadow-report", id])).out);
    expect(report).toMatchObject({ enforcedVersion: 1, cycles: "1", wouldBlockCycles: "1", rules: [{ rule: "scope/actions", wouldBlockCycles: "1" }] });

    const promoted = await keel(["contract", "promote", id, "--version", "2"]);
    expect(promoted.code).toBe(0);
    expect(JSON.parse(promoted.out)).toMatchObject({ contract: { version: 2 }, previousVersion: 1 });
    const again = await keel(["contract", "promote", id]);
    expect(again.code).toBe(1);
    expect(again.err).toContain("FAILED_PRECONDITION");
    const none = await keel(["contract", "get", id, "--shadow"]);
    expect(none.code).toBe(1);
    expect(none.err).toContain("no shadow contract version");
    expect(JSON.parse((await keel(["audit", "verify", id])).out).verified).toBe(true);
  });
});
