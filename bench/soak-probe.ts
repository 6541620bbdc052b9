// The soak's well-behaved client (bench/soak.ts), in its own process so that its latencies are the
// server's and not those of the load generator destroying 10,000 streams of its own: GetState every
// 10 ms, one line per call on stdout, "<epoch ms at start> <latency ms>", until stdin closes.
//   tsx bench/soak-probe.ts <baseUrl> <apiKey> <instanceId>
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { EngineService } from "../gen/keel/v1/engine_service_pb.js";
import { authInterceptor } from "../test/support/clients.js";

const [baseUrl, apiKey, instanceId] = process.argv.slice(2) as [string, string, string];
const engine = createClient(EngineService, createGrpcTransport({ baseUrl, interceptors: authInterceptor(apiKey) }));
let running = true;
process.stdin.on("end", () => (running = false)).resume();
process.stdout.on("error", () => (running = false)); // the soak went away
while (running) {
  const at = Date.now();
  const t0 = performance.now();
  await engine.getState({ instanceId });
  process.stdout.write(`${at} ${(performance.now() - t0).toFixed(3)}\n`);
  await new Promise((r) => setTimeout(r, 10));
}
