// The CPU time of tracing's own work for one traced Process call, measured in process: the server
// span from a traceparent header, the engine cycle and store commit spans under it, ending it, and
// the OTLP/HTTP export of the three spans (to a receiver in this process that drops them). Unlike
// end-to-end throughput it barely moves with other load on the machine, so it shows a change in
// tracing's cost that the noise of bench/tracing.ts's rounds would hide. It cannot show costs
// spread over the rest of the process (an AsyncLocalStorage hook on every promise, say): the
// end-to-end rounds are there for those.
import * as http from "node:http";
import { startTracing, stopTracing, tracedCommit, tracedCycle, tracing } from "../src/tracing/tracing.js";

/** µs of CPU per traced call, one figure per round of `calls` calls. */
export async function tracingWorkPerCall(rounds: number, calls: number): Promise<number[]> {
  const receiver = http.createServer((req, res) => {
    req.on("data", () => {});
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const { port } = receiver.address() as { port: number };
  await startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_TRACES_SAMPLER: "parentbased_always_on" });
  const t = tracing()!;
  const attributes = { "rpc.system": "grpc", "rpc.service": "keel.v1.EngineService", "rpc.method": "Process" };
  let n = 0;
  const call = async () => {
    const headers = new Headers({ "content-type": "application/grpc", traceparent: `00-0af7651916cd43dd8448eb21${(n++ % 0x1_0000_0000).toString(16).padStart(8, "0")}-b7ad6b7169203331-01` });
    const trace = t.startCall("keel.v1.EngineService/Process", headers, attributes);
    tracedCycle(trace, "MODE_ORDER", () => 0);
    await tracedCommit(trace, 1, 1, () => Promise.resolve(0));
    trace.end(0);
  };
  const results: number[] = [];
  try {
    for (let r = 0; r <= rounds; r++) {
      const before = process.cpuUsage();
      for (let i = 0; i < calls; i++) {
        await call();
        // Let the exporter's requests and the receiver run, as the event loop of a server would.
        if (i % 256 === 255) await new Promise((resolve) => setImmediate(resolve));
      }
      await t.flush();
      const used = process.cpuUsage(before);
      if (r > 0) results.push((used.user + used.system) / calls); // round 0 warms the JIT up
    }
  } finally {
    await stopTracing();
    receiver.close();
  }
  return results;
}
