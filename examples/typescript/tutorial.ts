// Keel's 5-minute tutorial over the TypeScript SDK, @keel/client (clients/typescript).
//
//   KEEL_API_KEY=keel_... KEEL_ADDR=127.0.0.1:8080 npx tsx examples/typescript/tutorial.ts
//
// Creates an agent, processes one observation, streams five stress signals over a session and
// reads the drift log. The API key in KEEL_API_KEY goes with every call, as
// `authorization: Bearer <key>` (the SDK's apiKey option).
import { Action, Code, ConnectError, DriftLevel, StressLevel, createKeelClient } from "@keel/client";

const apiKey = process.env.KEEL_API_KEY?.trim();
if (!apiKey) {
  console.error(
    "keel: KEEL_API_KEY is not set. Set it to an API key with the admin scope (the tutorial creates an agent):\n" +
      "the server's bootstrap key (KEEL_BOOTSTRAP_KEY, or the one it printed at first start), or one from\n" +
      "`npx keel keys create --name tutorial --scope admin`.",
  );
  process.exit(1);
}

const keel = createKeelClient({
  baseUrl: process.env.KEEL_ADDR || "127.0.0.1:8080",
  apiKey,
  timeoutMs: 10_000,
});

/**
 * Like "%.2f" in Python and Go, which round an exact tie (0.125) half to even where toFixed
 * rounds it up. A double is an exact tie at d digits when x * 2^(d+1) is an odd integer.
 */
function fixed(x: number, digits: number): string {
  const halves = x * 2 ** (digits + 1);
  if (Number.isInteger(halves) && halves % 2 !== 0) {
    const down = Math.floor(x * 10 ** digits);
    return ((down % 2 === 0 ? down : down + 1) / 10 ** digits).toFixed(digits);
  }
  return x.toFixed(digits);
}

const actions = (list: Action[]): string => list.map((a) => Action[a].toLowerCase()).join(", ");
/** D1_CONTEXT -> D1_context */
const driftLevel = (level: DriftLevel): string => DriftLevel[level].replace(/_(.*)$/, (_, rest: string) => `_${rest.toLowerCase()}`);

async function main(): Promise<void> {
  // Step 3: create an agent identity.
  const instance = await keel.instances.create({ name: "Aria", description: "Customer service bot" });
  console.log(`Created: ${instance.id}`);

  // Step 4: send an observation, get a contract.
  const { contract } = await keel.engine.process(instance.id, { mode: "exploration", signalStrength: 0.7 });
  console.log(`Allowed:   ${actions(contract.allowedActions)}`);
  console.log(`Forbidden: ${actions(contract.forbiddenActions)}`);
  console.log(`Stress:    ${StressLevel[contract.currentStressLevel]}`);
  console.log(`Energy:    ${fixed(contract.energyLevel, 2)}`);

  // Step 6: five stress signals over one session; the SDK numbers them and resumes on drops.
  const session = await keel.engine.session(instance.id);
  for (let turn = 1; turn <= 5; turn++) {
    const { contract: c } = await session.send({ mode: "stress_response", signalStrength: 0.9 });
    console.log(`Turn ${turn}: stress=${StressLevel[c.currentStressLevel]}, energy=${fixed(c.energyLevel, 2)}`);
  }
  await session.close();

  // Step 7: check drift.
  const { events } = await keel.engine.getDrift(instance.id);
  console.log(`Drift events: ${events.length}`);
  for (const e of events) {
    console.log(`  ${driftLevel(e.level)}: magnitude ${fixed(e.magnitude, 3)} (cycle ${e.cycle})`);
  }
}

main()
  .catch((err: unknown) => {
    const e = ConnectError.from(err);
    console.error(`keel: ${e.message}`);
    if (e.code === Code.Unauthenticated) console.error("keel: the server refused KEEL_API_KEY: check the key is complete and not revoked");
    process.exitCode = 1;
  })
  .finally(() => keel.close());
