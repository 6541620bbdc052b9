// The compiled decoder must give exactly the message protobuf-es fromBinary gives for the request
// types it serves (the gRPC path's hot messages), for any encoded message: random values of every
// field, edge values, unknown fields of every wire type; and for malformed input it must fail as
// fromBinary fails (it hands such input to fromBinary).
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { create, equals, fromBinary, toBinary, type DescMessage } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileDecoder } from "@keel/protobuf-decode";
import { HOT_REQUEST_TYPES } from "../../src/server/hot-encoders.js";
import { ProcessBatchRequestSchema, ProcessRequestSchema, SessionRequestSchema } from "../../gen/keel/v1/engine_service_pb.js";
import { Mode } from "../../gen/keel/v1/modes_pb.js";
import { messageInit } from "../support/arbitrary-messages.js";
import { startTestServer } from "../support/server.js";

/** An unknown field (numbers from 1000 up are unknown to every Keel message) of any wire type. */
const unknownField = fc.oneof(
  fc.tuple(fc.integer({ min: 1000, max: 5000 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })).map(([no, v]) => [...varint(BigInt(no) << 3n), ...varint(v)]),
  fc.tuple(fc.integer({ min: 1000, max: 5000 }), fc.uint8Array({ minLength: 8, maxLength: 8 })).map(([no, d]) => [...varint((BigInt(no) << 3n) | 1n), ...d]),
  fc.tuple(fc.integer({ min: 1000, max: 5000 }), fc.uint8Array({ maxLength: 300 })).map(([no, d]) => [...varint((BigInt(no) << 3n) | 2n), ...varint(BigInt(d.length)), ...d]),
  fc.tuple(fc.integer({ min: 1000, max: 5000 }), fc.uint8Array({ minLength: 4, maxLength: 4 })).map(([no, d]) => [...varint((BigInt(no) << 3n) | 5n), ...d]),
);

function varint(v: bigint): number[] {
  const out: number[] = [];
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

function outcome(f: () => unknown): { value: unknown } | { error: string } {
  try {
    return { value: f() };
  } catch (e) {
    return { error: String(e) };
  }
}

function expectSame(schema: DescMessage, decoded: unknown, bytes: Uint8Array): void {
  const expected = fromBinary(schema, bytes);
  // equals() holds NaN unequal to itself, as ===; toEqual compares NaN fields as the same value.
  expect(equals(schema, decoded as never, expected)).toBe(equals(schema, fromBinary(schema, bytes), expected));
  expect(decoded).toEqual(expected); // unknown fields and representation too
}

describe.each(HOT_REQUEST_TYPES.map((s) => [s.typeName, s] as const))("compiled decoder for %s", (_name, schema) => {
  const decode = compileDecoder(schema)!;

  it("compiles", () => {
    expect(decode).toBeDefined();
    expect(compileDecoder(schema, { fallback: false })).toBeDefined();
  });

  it("decodes what toBinary wrote as fromBinary does", () => {
    fc.assert(
      fc.property(messageInit(schema), (init) => {
        const bytes = Buffer.from(toBinary(schema, create(schema, init as never)));
        expectSame(schema, decode(bytes), bytes);
      }),
      { numRuns: 500 },
    );
  });

  it("builds the same messages without code generation from strings", () => {
    const plain = compileDecoder(schema, { codegen: false })!;
    fc.assert(
      fc.property(messageInit(schema), (init) => {
        const bytes = Buffer.from(toBinary(schema, create(schema, init as never)));
        expectSame(schema, plain(bytes), bytes);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps unknown fields as fromBinary does", () => {
    fc.assert(
      fc.property(messageInit(schema), fc.array(unknownField, { minLength: 1, maxLength: 4 }), (init, extra) => {
        const bytes = Buffer.from([...toBinary(schema, create(schema, init as never)), ...extra.flat()]);
        expectSame(schema, decode(bytes), bytes);
      }),
      { numRuns: 200 },
    );
  });

  it("fails on malformed input as fromBinary does, and decodes what fromBinary accepts the same", () => {
    const mutated = fc
      .tuple(messageInit(schema), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(), fc.boolean())
      .map(([init, edits, cut, truncate]) => {
        const bytes = [...toBinary(schema, create(schema, init as never))];
        for (const [at, value] of edits) if (bytes.length) bytes[at % bytes.length] = value;
        return Buffer.from(truncate && bytes.length ? bytes.slice(0, cut % bytes.length) : bytes);
      });
    fc.assert(
      fc.property(fc.oneof(mutated, fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b))), (bytes) => {
        const got = outcome(() => decode(bytes));
        const want = outcome(() => fromBinary(schema, bytes));
        if ("error" in want) expect(got).toEqual(want);
        else {
          expect("value" in got).toBe(true);
          expectSame(schema, (got as { value: unknown }).value, bytes);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("compiled decoder without fallback", () => {
  // The frames Keel's clients send take the fast path (no fromBinary), with every field used.
  const observation = (s: number) => ({
    mode: Mode.ORDER,
    signalStrength: s / 7,
    confidence: 0,
    context: { region: "eu-west", "": "", note: "é \u{1F600}" },
    timestamp: { seconds: 1_763_900_000n + BigInt(s), nanos: 999_999_999 },
    action: "deploy",
    target: "",
    outcome: "ok",
  });
  const cases: [DescMessage, Record<string, unknown>][] = [
    [SessionRequestSchema, { frame: { case: "open", value: { instanceId: "inst_0123456789abcdef", resumeAfterSequence: 42n } } }],
    [SessionRequestSchema, { frame: { case: "observation", value: { sequence: 7n, observation: { mode: Mode.PERCEPTION, signalStrength: 0.5 } } } }],
    [SessionRequestSchema, { frame: { case: "observation", value: { sequence: 2n ** 48n, observation: observation(1) } } }],
    [SessionRequestSchema, { frame: { case: "batch", value: { observations: Array.from({ length: 64 }, (_, i) => ({ sequence: BigInt(i + 1), observation: observation(i) })) } } }],
    [SessionRequestSchema, { frame: { case: "heartbeat", value: { time: { seconds: 5n, nanos: 1 } } } }],
    [SessionRequestSchema, {}],
    [ProcessRequestSchema, { instanceId: "inst_1", observation: observation(3) }],
    [ProcessBatchRequestSchema, { instanceId: "inst_1", observations: [observation(1), observation(2)], includeIntermediate: true }],
  ];
  it.each(cases.map((c, i) => [i, ...c] as const))("decodes frame %i like fromBinary", (_i, schema, init) => {
    const bytes = Buffer.from(toBinary(schema, create(schema, init as never)));
    for (const codegen of [true, false]) expectSame(schema, compileDecoder(schema, { fallback: false, codegen })!(bytes), bytes);
  });

  it("works in a Node started with --disallow-code-generation-from-strings", () => {
    const script = [
      `import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { create, equals, fromBinary, toBinary } from "@bufbuild/protobuf";`,
      `import { SessionRequestSchema as S } from ${JSON.stringify(fileURLToPath(new URL("../../gen/keel/v1/engine_service_pb.ts", import.meta.url)))};`,
      `import { compileDecoder } from "@keel/protobuf-decode";`,
      `let disallowed = false; try { new Function(""); } catch { disallowed = true; }`,
      `const b = toBinary(S, create(S, { frame: { case: "observation", value: { sequence: 3n, observation: { mode: 2, signalStrength: 0.5, context: { a: "b" } } } } }));`,
      `console.log(JSON.stringify({ disallowed, same: equals(S, compileDecoder(S, { fallback: false })(b), fromBinary(S, b)) }));`,
    ].join("\n");
    const out = execFileSync(process.execPath, ["--disallow-code-generation-from-strings", "--import", "tsx", "--input-type=module", "-e", script], {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      encoding: "utf8",
    });
    expect(JSON.parse(out)).toEqual({ disallowed: true, same: true });
  });
});

describe("malformed requests on the grpc-js path", () => {
  // An undecodable message is the client's mistake: INVALID_ARGUMENT naming the type, never
  // grpc-js's INTERNAL "Error deserializing request" (issue 15 #4).
  it("end the call INVALID_ARGUMENT", async () => {
    const server = await startTestServer();
    const client = new grpc.Client(server.address, grpc.credentials.createInsecure());
    try {
      const md = new grpc.Metadata();
      md.set("authorization", `Bearer ${server.apiKey}`);
      const raw = (b: Buffer): Buffer => b;
      // A string whose length runs past the end of the message.
      const unary = await new Promise<[number, string]>((resolve) =>
        client.makeUnaryRequest("/keel.v1.EngineService/Process", raw, raw, Buffer.from([10, 200, 1, 1]), md, (err) =>
          resolve([err?.code ?? 0, err?.details ?? ""]),
        ),
      );
      expect(unary[0]).toBe(grpc.status.INVALID_ARGUMENT);
      expect(unary[1]).toContain("keel.v1.ProcessRequest");
      const session = await new Promise<[number, string]>((resolve) => {
        const call = client.makeBidiStreamRequest("/keel.v1.EngineService/Session", raw, raw, md);
        call.on("data", () => undefined);
        call.on("error", (e: grpc.ServiceError) => resolve([e.code, e.details]));
        // A batch frame whose observation is cut short.
        call.write(Buffer.from([26, 5, 10, 3, 18, 200, 1]));
      });
      expect(session[0]).toBe(grpc.status.INVALID_ARGUMENT);
      expect(session[1]).toContain("keel.v1.SessionRequest");
    } finally {
      client.close();
      await server.close();
    }
  });
});
