// The compiled request decoder (packages/protobuf-decode) against protobuf-es fromBinary, and with
// and without code generation from strings (what --disallow-code-generation-from-strings gets):
// nanoseconds per decoded Session frame and 64-observation batch, median of alternating rounds.
import { create, fromBinary, toBinary, type DescMessage } from "@bufbuild/protobuf";
import { ProcessBatchRequestSchema, SessionRequestSchema } from "../gen/keel/v1/engine_service_pb.js";
import { compileDecoder } from "@keel/protobuf-decode";
import { scaled } from "./report/emit.js";

const observation = (i: number): object => ({ mode: 1 + (i % 6), signalStrength: 0.25 + i / 100, action: "search", target: "orders", context: { tool: "sql" } });
const cases: [string, DescMessage, Uint8Array, number][] = [
  [
    "Session frame (1 observation)",
    SessionRequestSchema,
    toBinary(SessionRequestSchema, create(SessionRequestSchema, { frame: { case: "observation", value: { sequence: 7n, observation: observation(1) } } } as never)),
    scaled(300_000, 1_000),
  ],
  [
    "ProcessBatch (64 observations)",
    ProcessBatchRequestSchema,
    toBinary(ProcessBatchRequestSchema, create(ProcessBatchRequestSchema, { instanceId: "agent-1", observations: Array.from({ length: 64 }, (_, i) => observation(i)) } as never)),
    scaled(6_000, 20),
  ],
];
const ROUNDS = scaled(7, 1);

for (const [name, schema, raw, n] of cases) {
  const bytes = Buffer.from(raw);
  const variants: [string, (b: Uint8Array) => unknown][] = [
    ["compiled, codegen", compileDecoder(schema)!],
    ["compiled, no codegen", compileDecoder(schema, { codegen: false })!],
    ["fromBinary", (b) => fromBinary(schema, b)],
  ];
  const times = new Map<string, number[]>(variants.map(([v]) => [v, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [variant, decode] of variants) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) decode(bytes);
      times.get(variant)!.push(Number(process.hrtime.bigint() - start) / n);
    }
  }
  console.log(name);
  for (const [variant, ns] of times) {
    ns.sort((a, b) => a - b);
    console.log(`  ${variant.padEnd(22)} ${ns[ns.length >> 1]!.toFixed(0).padStart(7)} ns median (${ns[0]!.toFixed(0)}-${ns.at(-1)!.toFixed(0)}, ${ROUNDS} rounds)`);
  }
}
