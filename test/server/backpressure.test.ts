// A session client that stops reading must not make the server buffer without bound: HTTP/2 flow
// control stops the server's writes, the server stops reading frames, and the client's writes
// block. Measured on a real server process.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bidi, grpcClients, unary, type GrpcClients } from "../support/grpc-js.js";
import { startKeelProcess, type KeelProcess } from "../support/process.js";

let keel: KeelProcess;
let clients: GrpcClients;

beforeAll(async () => {
  // Tens of thousands of frames as fast as flow control allows: no cycle quota here.
  keel = await startKeelProcess({ KEEL_LOG_LEVEL: "warn", KEEL_QUOTA_CYCLES_PER_SECOND: "0" });
  clients = grpcClients(keel.address);
});
afterAll(async () => {
  clients.close();
  keel.child.kill("SIGKILL");
});

function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]);
  return kb / 1024;
}

const frame = (sequence: number) => ({
  observation: { sequence: String(sequence), observation: { mode: "MODE_ORDER", signal_strength: 0.5, context: { note: "x".repeat(200) } } },
});

describe("slow reader", () => {
  it("stalls the server after a bounded amount of work and memory, then drains when reading resumes", async () => {
    const created = await unary(clients.instances, "CreateInstance", { name: "slow reader" });
    const id = created.instance.id as string;
    const call = bidi(clients.engine, "Session");
    call.write({ open: { instance_id: id } });
    await new Promise((resolve) => call.once("data", resolve));
    call.pause(); // stop reading responses

    const baseline = rssMb(keel.child.pid!);
    let written = 0;
    const target = 50_000;
    while (written < target) {
      if (call.write(frame(written + 1))) {
        written++;
        continue;
      }
      written++;
      const drained = await Promise.race([
        new Promise<boolean>((resolve) => call.once("drain", () => resolve(true))),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1500)),
      ]);
      if (!drained) break; // the client's writes are blocked: backpressure reached the client
    }
    await new Promise((r) => setTimeout(r, 500));
    const processed = Number((await unary(clients.engine, "GetState", { instance_id: id })).state.cycle_count);
    const grown = rssMb(keel.child.pid!) - baseline;

    expect(written).toBeLessThan(target); // the client was stopped
    expect(processed).toBeLessThan(2_000); // the server stopped reading frames it could not answer
    expect(grown).toBeLessThan(64);

    // Reading again drains everything that was written, in order.
    let answered = 0;
    await new Promise<void>((resolve, reject) => {
      call.on("data", (msg: { outcome?: { sequence: string } }) => {
        answered++;
        if (Number(msg.outcome!.sequence) !== answered) reject(new Error(`out of order at ${answered}`));
        if (answered === written) resolve();
      });
      call.on("error", reject);
      call.resume();
    });
    call.end();
    expect(Number((await unary(clients.engine, "GetState", { instance_id: id })).state.cycle_count)).toBe(written);
  }, 90_000);
});
