// The keel CLI against a real server: in-process for the commands, and once as the real binary.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { keyring, parseSigningKey } from "../../src/contracts/keys.js";
import type { TestServer } from "../support/server.js";
import { startContractServer } from "./harness.js";

const dir = mkdtempSync(join(tmpdir(), "keel-cli-"));
let server: TestServer;
let keyFile: string;

beforeAll(async () => {
  const generated = await keel(["contract", "keygen"]);
  const privatePem = generated.out.slice(0, generated.out.indexOf("-----BEGIN PUBLIC KEY-----"));
  keyFile = join(dir, "key.pem");
  writeFileSync(keyFile, privatePem);
  server = await startContractServer({ keys: keyring(parseSigningKey(privatePem), []) });
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
    env: { KEEL_SERVER: server?.baseUrl, KEEL_API_KEY: server?.apiKey },
    readFile: (p: string) => readFileSync(p, "utf8"),
    now: () => 1_800_000_000_000,
  };
  const code = await main(args, io);
  return { code, out, err };
}

const json = (text: string) => JSON.parse(text) as Record<string, any>;

describe("keel CLI", () => {
  it("creates an instance and its contracts, seals, verifies, diffs and lists history", async () => {
    const id = json((await keel(["instance", "create", "--name", "cli agent"])).out).instance.id as string;

    const created = await keel(["contract", "create", id, "--archetype", "customer-experience", "--seal"]);
    expect(created.code).toBe(0);
    expect(json(created.out)).toMatchObject({ priorFound: true, contract: { version: 1 } });

    // Sealed locally with the server's key, then put as version 2.
    const file = join(dir, "v2.json");
    writeFileSync(file, JSON.stringify({ agentId: id, version: 2, expectedActionDistribution: { read: 1 }, authorizedScope: { actions: ["ACTION_CLARIFY"] } }));
    const sealed = await keel(["contract", "seal", file, "--key", keyFile]);
    expect(sealed.code).toBe(0);
    const sealedFile = join(dir, "v2.sealed.json");
    writeFileSync(sealedFile, sealed.out);
    expect(json((await keel(["contract", "verify", "--file", sealedFile])).out)).toMatchObject({ valid: true, status: "SEAL_STATUS_VALID" });
    expect((await keel(["contract", "put", sealedFile])).code).toBe(0);

    expect(json((await keel(["contract", "verify", id])).out)).toMatchObject({ valid: true });
    expect(json((await keel(["contract", "get", id, "--version", "1"])).out)).toMatchObject({ version: 1, archetype: "customer-experience" });
    const diff = json((await keel(["contract", "diff", id, "1", "2"])).out).changes as { path: string }[];
    expect(diff.map((c) => c.path)).toContain("authorized_scope.actions");
    const history = (await keel(["contract", "history", id])).out;
    expect(history.match(/"version": \d/g)).toEqual(['"version": 1', '"version": 2']);

    const processed = json((await keel(["process", id, "--mode", "order", "--strength", "0.5", "--action", "read"])).out);
    expect(processed.outcome.contract.allowedActions).toEqual(["ACTION_CLARIFY"]);
    expect(json((await keel(["contract-of", id])).out).contract.enforcement.contractVersion).toBe(2);
  });

  it("reports refusals with the status code, and usage mistakes with exit code 2", async () => {
    const id = json((await keel(["instance", "create", "--name", "cli agent"])).out).instance.id as string;
    const missing = await keel(["contract", "verify", "inst_0000000000000000"]);
    expect(missing).toMatchObject({ code: 1, err: expect.stringMatching(/^keel: NOT_FOUND - /) });
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ agentId: id, expectedActionDistribution: { read: 0.5 } }));
    expect(await keel(["contract", "put", file])).toMatchObject({ code: 1, err: expect.stringContaining("INVALID_ARGUMENT - the contract is invalid - 1 problem") });
    expect((await keel(["contract", "seal", file, "--key", keyFile])).code).toBe(2);
    expect((await keel(["contract", "diff", id, "1"])).code).toBe(2);
    expect((await keel(["process", id, "--mode", "dreaming", "--strength", "1"])).code).toBe(2);
    expect((await keel(["--bogus"])).code).toBe(2);
  });

  it("runs as the keel binary", async () => {
    const bin = join(import.meta.dirname, "../../bin/keel.js");
    const { stdout } = await promisify(execFile)(process.execPath, [bin, "instance", "create", "--name", "from the binary", "--server", server.baseUrl, "--api-key", server.apiKey]);
    expect(json(stdout).instance.name).toBe("from the binary");
  });
});
