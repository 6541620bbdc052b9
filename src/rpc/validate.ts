// Edge validation: every request is checked before anything runs, and a rejected request changes
// nothing. Messages name the field and say what is accepted (no ":" "," ";" because gRPC clients
// show them percent-encoded).
import { timestampMs, type Timestamp } from "@bufbuild/protobuf/wkt";
import { invalidArgument } from "./errors.js";
import { inRange } from "./timestamps.js";

export const INSTANCE_ID_PATTERN = /^inst_[0-9a-f]{16}$/;
const LABEL_KEY_PATTERN = /^[a-z0-9]([a-z0-9_.-]{0,61}[a-z0-9])?$/;
const MAX_CONTEXT_ENTRIES = 64;
const MAX_CONTEXT_KEY = 128;
const MAX_CONTEXT_VALUE = 1024;
const MAX_TAG = 256;

export function instanceId(field: string, value: string): string {
  if (value === "") throw invalidArgument(field, "is required");
  if (!INSTANCE_ID_PATTERN.test(value)) {
    throw invalidArgument(field, `must be "inst_" followed by 16 lowercase hex digits (got "${clip(value)}")`);
  }
  return value;
}

export function unitInterval(field: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw invalidArgument(field, `must be a number from 0 to 1 (got ${value})`);
  }
  return value;
}

/** Maps an enum value, rejecting UNSPECIFIED and values the schema does not define. */
export function enumValue<E>(field: string, value: number, enumName: string, map: (v: number) => E | undefined): E {
  if (value === 0) throw invalidArgument(field, "is required");
  const mapped = map(value);
  if (mapped === undefined) throw invalidArgument(field, `${value} is not a known ${enumName} value`);
  return mapped;
}

/** Like enumValue, but UNSPECIFIED means "use the default". */
export function optionalEnum<E>(
  field: string,
  value: number,
  enumName: string,
  map: (v: number) => E | undefined,
  fallback: E,
): E {
  return value === 0 ? fallback : enumValue(field, value, enumName, map);
}

export function text(field: string, value: string, { min, max }: { min: number; max: number }): string {
  const length = [...value].length;
  if (length < min) throw invalidArgument(field, min === 1 ? "is required" : `must have at least ${min} characters`);
  if (length > max) throw invalidArgument(field, `must have at most ${max} characters (got ${length})`);
  return value;
}

export function optionalTag(field: string, value: string | undefined): string | null {
  return value === undefined ? null : text(field, value, { min: 1, max: MAX_TAG });
}

export function context(field: string, value: Record<string, string>): Record<string, string> {
  const entries = Object.entries(value);
  if (entries.length > MAX_CONTEXT_ENTRIES) {
    throw invalidArgument(field, `must have at most ${MAX_CONTEXT_ENTRIES} entries (got ${entries.length})`);
  }
  for (const [k, v] of entries) {
    const keyLength = [...k].length;
    if (keyLength < 1 || keyLength > MAX_CONTEXT_KEY) {
      throw invalidArgument(field, `keys must have 1 to ${MAX_CONTEXT_KEY} characters (got ${keyLength})`);
    }
    text(`${field}["${clip(k)}"]`, v, { min: 0, max: MAX_CONTEXT_VALUE });
  }
  return { ...value };
}

export function labels(field: string, value: Record<string, string>): Record<string, string> {
  const entries = Object.entries(value);
  if (entries.length > MAX_CONTEXT_ENTRIES) {
    throw invalidArgument(field, `must have at most ${MAX_CONTEXT_ENTRIES} entries (got ${entries.length})`);
  }
  for (const [k, v] of entries) {
    if (!LABEL_KEY_PATTERN.test(k)) {
      throw invalidArgument(field, `key "${clip(k)}" must be 1 to 63 lowercase letters digits "_" "." or "-"`);
    }
    text(`${field}["${k}"]`, v, { min: 0, max: MAX_TAG });
  }
  return { ...value };
}

export function timestamp(field: string, value: Timestamp | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  if (!inRange(value)) {
    throw invalidArgument(
      field,
      `must lie from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z with nanos from 0 to 999999999 (got seconds ${value.seconds} nanos ${value.nanos})`,
    );
  }
  return timestampMs(value);
}

export function pageSize(field: string, value: number, { fallback, max }: { fallback: number; max: number }): number {
  if (value === 0) return fallback;
  if (value > max) throw invalidArgument(field, `must be at most ${max} (got ${value})`);
  return value;
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
