// The one range of instants Keel accepts and answers with: protobuf's Timestamp range,
// 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z. Anything outside it cannot be written in
// the JSON encoding (RFC 3339 has four-digit years), so accepting it once broke an agent's JSON
// history for good (issue 15 #1). Inputs are checked at the edge (validate.timestamp); values
// stored before that check are clamped to the nearest bound on the way out, so old bad rows can
// still be read on every protocol instead of failing the whole page.
import { timestampFromMs, type Timestamp } from "@bufbuild/protobuf/wkt";

export const MIN_SECONDS = -62_135_596_800n; // 0001-01-01T00:00:00Z
export const MAX_SECONDS = 253_402_300_799n; // 9999-12-31T23:59:59Z
export const MIN_MS = Number(MIN_SECONDS) * 1000;
export const MAX_MS = Number(MAX_SECONDS) * 1000 + 999;

export function inRange(value: Timestamp): boolean {
  return value.seconds >= MIN_SECONDS && value.seconds <= MAX_SECONDS && value.nanos >= 0 && value.nanos <= 999_999_999;
}

/** A stored instant as a Timestamp every encoding can write: clamped into the range, never NaN. */
export function wireTimestamp(ms: number): Timestamp {
  const safe = Number.isNaN(ms) ? 0 : Math.min(MAX_MS, Math.max(MIN_MS, Math.floor(ms)));
  return timestampFromMs(safe);
}
