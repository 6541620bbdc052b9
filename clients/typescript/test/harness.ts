// Starts the shared conformance harness (conformance/harness.ts: a real Keel server and a
// connection-cutting proxy) as a child process and speaks its stdin/stdout protocol.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createInterface, type Interface } from "node:readline";

const root = fileURLToPath(new URL("../../../", import.meta.url));

export interface HarnessInfo {
  target: string;
  proxy: string;
  api_key: string;
  tls: boolean;
  ca_file: string | null;
}

export class Harness {
  private readonly waiting: ((line: string) => void)[] = [];

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: Interface,
    readonly info: HarnessInfo,
  ) {
    lines.on("line", (line) => this.waiting.shift()?.(line));
  }

  static async start(args: string[] = []): Promise<Harness> {
    const child = spawn(`${root}node_modules/.bin/tsx`, ["conformance/harness.ts", ...args], { cwd: root });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const lines = createInterface({ input: child.stdout });
    const first = await new Promise<string>((resolve, reject) => {
      lines.once("line", resolve);
      child.once("exit", (code) => reject(new Error(`harness exited with ${code} before starting:\n${stderr}`)));
    });
    return new Harness(child, lines, JSON.parse(first) as HarnessInfo);
  }

  /** Sends one command, resolves with its one-line answer. */
  command(line: string): Promise<string> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.stdin.write(`${line}\n`);
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.stdin.end();
    await exited;
    this.lines.close();
  }
}
