// The full edge-fuzz run (issue 15): >= 100,000 generated bad inputs over gRPC, gRPC-Web, Connect
// binary and Connect JSON, every RPC of every service including sessions, against an in-process
// Keel with auth on. Prints answers by code, transport and kind, the violations (answers outside
// the documented set: must be 0), and whether the target agents changed without an accepted write.
//   npx tsx bench/fuzz.ts [inputs=100000] [seed=15]
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { EngineService } from "../gen/keel/v1/engine_service_pb.js";
import { InstanceService } from "../gen/keel/v1/instance_service_pb.js";
import { Mode } from "../gen/keel/v1/modes_pb.js";
import { authInterceptor } from "../test/support/clients.js";
import { startTestServer } from "../test/support/server.js";
import { fuzz } from "../test/fuzz/fuzzer.js";

const inputs = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? 15);
const server = await startTestServer();
const transport = createGrpcTransport({ baseUrl: server.baseUrl, interceptors: authInterceptor(undefined) });
const engine = createClient(EngineService, transport);
const instances = createClient(InstanceService, transport);
const targets: string[] = [];
for (let i = 0; i < 8; i++) {
  const id = (await instances.createInstance({ name: `target-${i}` })).instance!.id;
  await engine.process({ instanceId: id, observation: { mode: Mode.ORDER, signalStrength: 0.5 } });
  targets.push(id);
}
const before = await Promise.all(targets.map((id) => engine.getState({ instanceId: id })));
const rssBefore = process.memoryUsage().rss;
const report = await fuzz({ baseUrl: server.baseUrl, apiKey: server.apiKey, targets, inputs, seed, concurrency: 32 });
let unchanged = 0;
let changedUntouched = 0;
for (const [i, id] of targets.entries()) {
  const after = await engine.getState({ instanceId: id }).catch(() => null);
  const same = JSON.stringify(after, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) === JSON.stringify(before[i], (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  if (same) unchanged++;
  else if (!report.touched.has(id)) changedUntouched++;
}
console.log(`edge fuzz: ${report.inputs} inputs in ${report.seconds.toFixed(1)} s (${Math.round(report.inputs / report.seconds)}/s), seed ${seed}; shared 2-core machine`);
console.log(`  by code:      ${JSON.stringify(report.byCode)}`);
console.log(`  by transport: ${JSON.stringify(report.byTransport)}`);
console.log(`  by kind:      ${JSON.stringify(report.byKind)}`);
console.log(`  violations (INTERNAL/UNKNOWN/DATA_LOSS/UNAVAILABLE/no answer): ${report.violations.length}`);
for (const v of report.violations.slice(0, 20)) console.log(`    ${v.code} ${v.method} ${v.transport} ${v.kind}: ${v.message}`);
console.log(`  targets: ${targets.length}; unchanged ${unchanged}; changed by accepted writes ${report.touched.size}; changed without an accepted write ${changedUntouched}`);
console.log(`  server alive after the run: ${(await instances.listInstances({}).then(() => true, () => false)) ? "yes" : "no"}; RSS ${(rssBefore / 2 ** 20).toFixed(0)} -> ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
await server.close();
process.exit(report.violations.length === 0 && changedUntouched === 0 ? 0 : 1);
