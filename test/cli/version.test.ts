// `keel --version` and the startup log line name the same version: package.json's.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { startKeelProcess, type KeelProcess } from "../support/process.js";

const version = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

let keel: KeelProcess | undefined;
afterAll(async () => {
  keel?.child.kill("SIGTERM");
  await keel?.exited;
});

describe("keel --version", () => {
  it("prints package.json's version and exits 0", async () => {
    let out = "";
    const io = { stdout: (t: string) => void (out += t), stderr: () => undefined, env: {}, readFile: () => "", now: Date.now };
    expect(await main(["--version"], io)).toBe(0);
    expect(out).toBe(`keel ${version}\n`);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("works through the installed command (bin/keel.js)", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["bin/keel.js", "--version"]);
    expect(stdout.trim()).toBe(`keel ${version}`);
  });

  it("the server's startup log line carries the version", async () => {
    keel = await startKeelProcess();
    const line = keel
      .output()
      .split("\n")
      .find((l) => l.includes("listening on"));
    expect(JSON.parse(line!)).toMatchObject({ version, msg: expect.stringContaining(`keel ${version} listening on`) });
  });
});
