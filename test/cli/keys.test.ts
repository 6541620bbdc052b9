// The keel CLI's API key handling against a real server with authentication on: --api-key and
// KEEL_API_KEY, the keys commands end to end, the hints on refusals, and `keys generate` (local).
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { API_KEY_PATTERN, parseApiKey } from "../../src/auth/key-format.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** Runs the CLI in-process; env defaults to the server and its bootstrap (operator admin) key. */
async function keel(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    env: { KEEL_SERVER: server?.baseUrl, KEEL_API_KEY: server?.apiKey, ...env },
    readFile: (p) => readFileSync(p, "utf8"),
    now: () => 1_800_000_000_000,
  });
  return { code, out, err };
}

const json = (text: string) => JSON.parse(text) as Record<string, any>;

describe("keel keys generate", () => {
  it("prints a fresh well-formed key alone on one line, without a server", async () => {
    const a = await keel(["keys", "generate"], { KEEL_SERVER: "http://127.0.0.1:1", KEEL_API_KEY: undefined });
    const b = await keel(["keys", "generate"], { KEEL_SERVER: "http://127.0.0.1:1", KEEL_API_KEY: undefined });
    expect(a).toMatchObject({ code: 0, err: "" });
    expect(a.out).toMatch(/^keel_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\n$/);
    expect(a.out).not.toBe(b.out);
  });

  it("makes a key the server accepts as KEEL_BOOTSTRAP_KEY", async () => {
    const token = (await keel(["keys", "generate"])).out.trim();
    const other = await startTestServer({ env: { KEEL_BOOTSTRAP_KEY: token } });
    try {
      const who = await keel(["keys", "whoami"], { KEEL_SERVER: other.baseUrl, KEEL_API_KEY: token });
      expect(json(who.out)).toMatchObject({ keyId: parseApiKey(token)!.keyId, tenant: "default", scope: "KEY_SCOPE_ADMIN", operator: true });
    } finally {
      await other.close();
    }
  });
});

describe("keel keys", () => {
  it("creates a key (the secret alone on stdout), lists it without the secret, and revokes it", async () => {
    const created = await keel(["keys", "create", "--name", "ci-runner", "--scope", "engine", "--cycles-per-second", "50", "--max-sessions", "3"]);
    expect(created.code).toBe(0);
    expect(created.out).toMatch(/^keel_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\n$/);
    const secret = created.out.trim();
    const keyId = parseApiKey(secret)!.keyId;
    expect(created.err).toContain(`created key ${keyId} "ci-runner": scope engine, tenant default, 50 cycles/s, 3 sessions`);
    expect(created.err).toMatch(/only time the key is shown/);
    expect(created.err).not.toContain(parseApiKey(secret)!.secret);

    // The new key works, through --api-key (which wins over KEEL_API_KEY).
    const who = await keel(["keys", "whoami", "--api-key", secret]);
    expect(json(who.out)).toMatchObject({ keyId, tenant: "default", scope: "KEY_SCOPE_ENGINE" });

    const listed = await keel(["keys", "list"]);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(keyId);
    expect(listed.out).not.toContain(parseApiKey(secret)!.secret);
    const entry = (json(listed.out).keys as { keyId: string }[]).find((k) => k.keyId === keyId);
    expect(entry).toMatchObject({ name: "ci-runner", scope: "KEY_SCOPE_ENGINE", cyclesPerSecond: 50, maxSessions: 3 });

    const revoked = await keel(["keys", "revoke", keyId]);
    expect(revoked.code).toBe(0);
    expect(json(revoked.out).key).toMatchObject({ keyId, revokeTime: expect.any(String) });

    const refused = await keel(["keys", "whoami"], { KEEL_API_KEY: secret });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^keel: UNAUTHENTICATED - /);
    expect(refused.err).toContain("the server refused the API key from KEEL_API_KEY");
  });

  it("manages another tenant's keys with --tenant", async () => {
    const created = await keel(["keys", "create", "--name", "team-b reader", "--scope", "read", "--tenant", "team-b"]);
    expect(created.code).toBe(0);
    const keyId = parseApiKey(created.out.trim())!.keyId;
    expect(json((await keel(["keys", "list", "--tenant", "team-b"])).out).keys).toEqual([expect.objectContaining({ keyId, tenant: "team-b" })]);
    expect(json((await keel(["keys", "revoke", keyId, "--tenant", "team-b"])).out).key.revokeTime).toBeDefined();
    expect(await keel(["keys", "revoke", keyId])).toMatchObject({ code: 1, err: expect.stringMatching(/^keel: NOT_FOUND - /) });
  });

  it("hints at KEEL_API_KEY / --api-key when no key is sent, and at the scope when it is too small", async () => {
    const missing = await keel(["instance", "list"], { KEEL_API_KEY: undefined });
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^keel: UNAUTHENTICATED - /);
    expect(missing.err).toContain("set KEEL_API_KEY or pass --api-key KEY");

    const malformed = await keel(["instance", "list", "--api-key", "not-a-key"]);
    expect(malformed.err).toContain("the server refused the API key from --api-key (it is not even shaped like a Keel key");

    const reader = (await keel(["keys", "create", "--name", "reader", "--scope", "read"])).out.trim();
    const denied = await keel(["instance", "create", "--name", "x"], { KEEL_API_KEY: reader });
    expect(denied.code).toBe(1);
    expect(denied.err).toMatch(/^keel: PERMISSION_DENIED - /);
    expect(denied.err).toContain("keel keys whoami");
    expect(json((await keel(["keys", "whoami"], { KEEL_API_KEY: reader })).out).scope).toBe("KEY_SCOPE_READ");
  });

  it("rejects usage mistakes with exit code 2 before calling the server", async () => {
    for (const args of [
      ["keys", "create", "--scope", "read"],
      ["keys", "create", "--name", "x"],
      ["keys", "create", "--name", "x", "--scope", "owner"],
      ["keys", "create", "--name", "x", "--scope", "read", "--cycles-per-second", "-1"],
      ["keys", "create", "--name", "x", "--scope", "read", "--max-sessions", "1.5"],
      ["keys", "revoke"],
      ["keys", "rotate"],
      ["keys", "whoami", "--api-key", "keel_a b"],
    ]) {
      const res = await keel(args);
      expect(res.code, args.join(" ")).toBe(2);
    }
  });

  it("lists the keys commands and --api-key in help", async () => {
    const help = (await keel(["help"])).out;
    for (const text of ["--api-key", "KEEL_API_KEY", "keys create", "keys list", "keys revoke", "keys whoami", "keys generate"]) {
      expect(help).toContain(text);
    }
  });

  it("runs as the keel binary with KEEL_API_KEY from the environment", async () => {
    const bin = join(import.meta.dirname, "../../bin/keel.js");
    const run = promisify(execFile);
    const env = { ...process.env, KEEL_SERVER: server.baseUrl, KEEL_API_KEY: server.apiKey };
    const { stdout } = await run(process.execPath, [bin, "keys", "whoami"], { env });
    expect(json(stdout)).toMatchObject({ tenant: "default", operator: true });
    const generated = await run(process.execPath, [bin, "keys", "generate"], { env: { ...process.env, KEEL_API_KEY: "" } });
    expect(generated.stdout.trim()).toMatch(API_KEY_PATTERN);
  });
});
