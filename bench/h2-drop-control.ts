// Control for bench/soak.ts: how long does bare node:http2 (no grpc-js, no Keel) block its event
// loop when a client holding SESSIONS open streams over CONNECTIONS connections destroys them all
// at once? The server runs in its own process and answers each stream with headers and one DATA
// frame, then holds it (as a Keel session does); it reports its worst event-loop delay
// (perf_hooks.monitorEventLoopDelay, 1 ms resolution) over the drop and the time until its last
// stream closed. Whatever this shows is Node's floor for the same drop.
//   npx tsx bench/h2-drop-control.ts [sessions=10000] [connections=20] [rounds=3]
import { spawn } from "node:child_process";
import * as http2 from "node:http2";
import { monitorEventLoopDelay } from "node:perf_hooks";

if (process.argv[2] === "server") {
  const server = http2.createServer({ settings: { maxConcurrentStreams: 1_000_000 } });
  let open = 0;
  let lastClose = 0;
  server.on("stream", (stream) => {
    open++;
    stream.respond({ ":status": 200, "content-type": "application/grpc" });
    stream.write(Buffer.alloc(16));
    stream.on("data", () => undefined);
    stream.on("error", () => undefined);
    stream.on("close", () => {
      open--;
      lastClose = performance.now();
    });
  });
  server.listen(0, "127.0.0.1", () => process.stdout.write(`port ${(server.address() as { port: number }).port}\n`));
  let h: ReturnType<typeof monitorEventLoopDelay> | undefined;
  let t0 = 0;
  process.stdin.setEncoding("utf8").on("data", (line: string) => {
    if (line.startsWith("drop")) {
      h = monitorEventLoopDelay({ resolution: 1 });
      h.enable();
      t0 = performance.now();
    } else if (line.startsWith("report")) {
      const wait = setInterval(() => {
        if (open > 0) return;
        clearInterval(wait);
        h!.disable();
        process.stdout.write(`report ${(h!.max / 1e6).toFixed(1)} ${(lastClose - t0).toFixed(0)}\n`);
      }, 20);
    }
  });
} else {
  const SESSIONS = Number(process.argv[2] ?? 10_000);
  const CONNECTIONS = Number(process.argv[3] ?? 20);
  const ROUNDS = Number(process.argv[4] ?? 3);
  const child = spawn(process.execPath, ["--import", "tsx", new URL(import.meta.url).pathname, "server"], { stdio: ["pipe", "pipe", "inherit"] });
  const lines: string[] = [];
  let waiting: ((line: string) => void) | undefined;
  let buf = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    buf += d;
    for (let i; (i = buf.indexOf("\n")) >= 0; buf = buf.slice(i + 1)) {
      const line = buf.slice(0, i);
      if (waiting) {
        const w = waiting;
        waiting = undefined;
        w(line);
      } else lines.push(line);
    }
  });
  const nextLine = (): Promise<string> => (lines.length ? Promise.resolve(lines.shift()!) : new Promise((r) => (waiting = r)));
  const port = Number((await nextLine()).split(" ")[1]);
  const stalls: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const conns = Array.from({ length: CONNECTIONS }, () => http2.connect(`http://127.0.0.1:${port}`).on("error", () => undefined));
    await Promise.all(
      Array.from({ length: SESSIONS }, (_, i) => new Promise<void>((resolve) => {
        const s = conns[i % CONNECTIONS]!.request({ ":method": "POST", ":path": "/x", "content-type": "application/grpc" });
        s.on("error", () => undefined);
        s.once("data", () => resolve());
        s.write(Buffer.alloc(16));
      })),
    );
    await new Promise((r) => setTimeout(r, 1000));
    child.stdin!.write("drop\n");
    await new Promise((r) => setTimeout(r, 100));
    for (const c of conns) c.destroy();
    child.stdin!.write("report\n");
    const [, max, ms] = (await nextLine()).split(" ");
    stalls.push(Number(max));
    console.log(`round ${round}: bare node:http2 server, ${SESSIONS} streams over ${CONNECTIONS} connections destroyed at once: worst event-loop delay ${max} ms, last stream closed after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const sorted = [...stalls].sort((a, b) => a - b);
  console.log(`median worst delay ${sorted[Math.floor((sorted.length - 1) / 2)]} ms (${sorted[0]}-${sorted.at(-1)}) over ${ROUNDS} rounds; shared 2-core machine`);
  child.kill();
}
