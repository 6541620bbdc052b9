// A real server (in-process store) with typed clients, and helpers to drive an agent through a
// stream of tagged observations and read back each cycle's contract.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ConnectError } from "@connectrpc/connect";
import fc from "fast-check";
import type { BehavioralContract, BehavioralContractSchema } from "../../gen/keel/v1/behavioral_contract_pb.js";
import type { ExecutionContract } from "../../gen/keel/v1/contract_pb.js";
import { Mode } from "../../gen/keel/v1/modes_pb.js";
import { ObservationSchema, type Observation } from "../../gen/keel/v1/observation_pb.js";
import { keyring, type Keyring } from "../../src/contracts/keys.js";
import type { Store } from "../../src/store/types.js";
import type { Clients } from "../support/clients.js";
import { startTestServer, type TestServer } from "../support/server.js";

/** A contract as a plain init object (not a message). */
export type ContractInit = Exclude<MessageInitShape<typeof BehavioralContractSchema>, BehavioralContract>;

export { clientsFor, type Clients } from "../support/clients.js";

/**
 * Versions for a race of concurrent Puts on a fresh agent, 0 ("the next one") to `max`, at least
 * one of them 0 or 1 — valid on an empty history — so every race has a put that must win.
 */
export function racingVersions(max: number, maxLength: number): fc.Arbitrary<number[]> {
  return fc
    .tuple(fc.constantFrom(0, 1), fc.array(fc.integer({ min: 0, max }), { minLength: 1, maxLength: maxLength - 1 }), fc.nat())
    .map(([valid, rest, at]) => {
      const out = [...rest];
      out.splice(at % (rest.length + 1), 0, valid);
      return out;
    });
}

export async function newAgent(c: Clients): Promise<string> {
  return (await c.instances.createInstance({ name: "contract test" })).instance!.id;
}

/** A cycle's tags; the mode cycles through the calm modes. */
export interface Step {
  action?: string;
  target?: string;
  outcome?: string;
  atMs?: number;
  term?: string;
  mode?: Mode;
}

export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const CALM = [Mode.PERCEPTION, Mode.ORDER, Mode.CONNECTION, Mode.EXPLORATION];

export function observation(step: Step, i: number): Observation {
  return create(ObservationSchema, {
    mode: step.mode ?? CALM[i % CALM.length]!,
    signalStrength: 0.5,
    confidence: 0.9,
    action: step.action,
    target: step.target,
    outcome: step.outcome,
    context: step.term ? { term: step.term } : {},
    timestamp: timestampFromMs(step.atMs ?? T0 + i * 1000),
  });
}

/** Processes the steps in batches of 64 and returns every cycle's contract, in order. */
export async function run(c: Clients, id: string, steps: Step[], offset = 0): Promise<ExecutionContract[]> {
  const out: ExecutionContract[] = [];
  for (let i = 0; i < steps.length; i += 64) {
    const observations = steps.slice(i, i + 64).map((s, j) => observation(s, offset + i + j));
    const res = await c.engine.processBatch({ instanceId: id, observations, includeIntermediate: true });
    out.push(...res.outcomes.map((o) => o.contract!));
  }
  return out;
}

/** The 1-based cycles on which the named violation is listed. */
export function cyclesWith(contracts: ExecutionContract[], name: string): number[] {
  return contracts.filter((c) => c.enforcement?.violations.some((v) => v.name === name)).map((c) => Number(c.cycleCount));
}

export async function failure(call: Promise<unknown>): Promise<ConnectError> {
  const err = await call.then(() => undefined, (e: unknown) => ConnectError.from(e));
  if (!err) throw new Error("the call succeeded");
  return err;
}

/** Starts the real app with explicit contract keys (none unless given), not the environment's. */
export function startContractServer(options: { store?: Store; keys?: Keyring } = {}): Promise<TestServer> {
  return startTestServer({
    ...(options.store ? { store: options.store } : {}),
    contractKeys: options.keys ?? keyring(null, []),
    env: { KEEL_SHUTDOWN_GRACE_MS: "1000" },
  });
}
