// The hot wire mappers build messages as literals instead of with create(); they must be the very
// messages create() makes from the same fields: equal as objects, equal per protobuf-es, and
// encoding to the same bytes. Checked over real engine outcomes from random observation streams
// (stress spikes, drift events and rollbacks included).
import { create, equals, toBinary, toJsonString, type DescMessage } from "@bufbuild/protobuf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CycleOutcomeSchema } from "../../gen/keel/v1/engine_service_pb.js";
import { DEFAULT_CONFIG, defaultProfile, MODES } from "../../src/engine/index.js";
import { outcomeToWire } from "../../src/rpc/engine-mapping.js";
import { AgentService } from "../../src/service/agent-service.js";
import { MemoryStore } from "../../src/store/memory.js";

/** The literal's fields without its $typeName markers: an init object for create(). */
function init(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(init);
  if (value === null || typeof value !== "object" || value instanceof Uint8Array) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== "$typeName") out[k] = init(v);
  return out;
}

function expectSameMessage(schema: DescMessage, literal: unknown): void {
  const made = create(schema, init(literal) as never);
  expect(literal).toEqual(made);
  expect(equals(schema, literal as never, made)).toBe(true);
  expect(toBinary(schema, literal as never)).toEqual(toBinary(schema, made));
  expect(toJsonString(schema, literal as never)).toBe(toJsonString(schema, made));
}

const step = fc.record({
  mode: fc.constantFrom(...MODES),
  signalStrength: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1)),
  confidence: fc.oneof(fc.double({ min: 0.5, max: 1, noNaN: true }), fc.constant(1)),
});

describe("outcomeToWire", () => {
  it("builds the message create() would build", async () => {
    // Runs of one observation repeated drive stress up and down: drift events and rollbacks.
    const runs = fc
      .array(fc.tuple(step, fc.integer({ min: 1, max: 40 })), { minLength: 1, maxLength: 12 })
      .map((rs) => rs.flatMap(([s, k]) => Array<typeof s>(k).fill(s)));
    let events = 0;
    await fc.assert(
      fc.asyncProperty(runs, async (steps) => {
        let n = 0;
        const agents = new AgentService({
          store: new MemoryStore(),
          engineConfig: DEFAULT_CONFIG,
          now: () => 1_700_000_000_000 + n++,
          newId: () => "inst_0123456789abcdef",
        });
        const { id } = await agents.createInstance("default", { name: "m", description: "", profile: defaultProfile(), labels: {} });
        for (let i = 0; i < steps.length; i += 16) {
          const batch = steps.slice(i, i + 16).map((s) => ({ ...s, context: {}, observedAtMs: 0, action: null, target: null, outcome: null }));
          for (const outcome of await agents.process("default", id, batch)) {
            if (outcome.driftEvent) events++;
            expectSameMessage(CycleOutcomeSchema, outcomeToWire(id, outcome));
          }
        }
      }),
      { numRuns: 25 },
    );
    expect(events).toBeGreaterThan(0);
  }, 60_000);
});
