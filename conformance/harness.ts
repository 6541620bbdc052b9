// The SDK conformance harness: a real Keel server (in-process store, auth on) and a TCP proxy in
// front of it that can cut every connection on command. The Python, Go and TypeScript SDK test
// suites each start it, read the one JSON line it prints, and drive it over stdin; see
// conformance/README.md for the protocol.
//
//   node_modules/.bin/tsx conformance/harness.ts [--quota-cycles-per-second=N] [--tls]
import { createServer, connect, type Socket } from "node:net";
import { createInterface } from "node:readline";
import { makeTestCerts, type TestCerts } from "../test/support/certs.js";
import { startTestServer } from "../test/support/server.js";

interface Options {
  quotaCyclesPerSecond: number;
  tls: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { quotaCyclesPerSecond: 0, tls: false };
  for (const arg of argv) {
    const quota = /^--quota-cycles-per-second=(\d+)$/.exec(arg);
    if (quota) options.quotaCyclesPerSecond = Number(quota[1]);
    else if (arg === "--tls") options.tls = true;
    else throw new Error(`unknown argument ${arg}: expected --quota-cycles-per-second=N or --tls`);
  }
  return options;
}

/** A plain TCP forwarder whose open connections can all be destroyed at once. */
async function startCutter(targetPort: number): Promise<{ port: number; cut(): number; close(): Promise<void> }> {
  const pairs = new Set<[Socket, Socket]>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no TCP address");
  return {
    port: address.port,
    cut() {
      const n = pairs.size;
      // resetAndDestroy sends RST, as a dropped network path or a killed peer would look.
      for (const [a, b] of pairs) {
        a.resetAndDestroy();
        b.resetAndDestroy();
      }
      pairs.clear();
      return n;
    },
    close: () => {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  let certs: TestCerts | undefined;
  const env: Record<string, string> = {
    KEEL_QUOTA_CYCLES_PER_SECOND: String(options.quotaCyclesPerSecond),
  };
  if (options.quotaCyclesPerSecond > 0) {
    // The smallest burst the server accepts, so a quota case meets refusals quickly.
    env.KEEL_QUOTA_CYCLES_BURST = "64";
  }
  if (options.tls) {
    certs = await makeTestCerts();
    Object.assign(env, certs.env());
  }
  const server = await startTestServer({ env });
  const proxy = await startCutter(server.port);
  process.stdout.write(
    JSON.stringify({
      target: server.address,
      proxy: `127.0.0.1:${proxy.port}`,
      api_key: server.apiKey,
      tls: options.tls,
      ca_file: certs ? certs.ca.certFile : null,
    }) + "\n",
  );

  // Commands still running (a mint) finish and answer before a quit or EOF shuts down.
  const pending = new Set<Promise<unknown>>();
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await Promise.allSettled([...pending]);
    await proxy.close();
    await server.close();
    await certs?.remove();
    process.exit(0);
  };
  const lines = createInterface({ input: process.stdin });
  lines.on("line", (line) => {
    const [command, arg] = line.trim().split(/\s+/);
    if (command === "cut") {
      process.stdout.write(`cut ${proxy.cut()}\n`);
    } else if (command === "mint") {
      const scope = arg === "read" || arg === "engine" || arg === "admin" ? arg : undefined;
      if (!scope) {
        process.stdout.write(`error mint takes read, engine or admin\n`);
        return;
      }
      const minting = server.mintKey({ scope, name: `conformance-${scope}` }).then(
        (key) => process.stdout.write(`key ${key.token}\n`),
        (err: unknown) => process.stdout.write(`error ${String(err).replace(/\n/g, " ")}\n`),
      );
      pending.add(minting);
      void minting.finally(() => pending.delete(minting));
    } else if (command === "quit") {
      void shutdown();
    } else if (command) {
      process.stdout.write(`error unknown command ${command}\n`);
    }
  });
  lines.on("close", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());
}

main().catch((err: unknown) => {
  process.stderr.write(`conformance harness: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
