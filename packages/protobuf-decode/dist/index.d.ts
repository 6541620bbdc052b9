import { type DescMessage } from "@bufbuild/protobuf";
/** Decodes a message of the type it was compiled for. */
export type Decoder = (bytes: Uint8Array) => unknown;
/**
 * Compiles a decoder, or undefined when the type uses something this decoder does not cover.
 * `fallback: false` rethrows instead of calling fromBinary; `codegen: false` builds messages
 * as a runtime without code generation from strings does (both for tests and benchmarks).
 */
export declare function compileDecoder(schema: DescMessage, options?: {
    fallback?: boolean;
    codegen?: boolean;
}): Decoder | undefined;
