// Summaries of repeated runs: each figure is reported as min, median and max over runs, never as
// one run's number, and met/missed is decided on the median.
import type { Figure } from "./registry.js";

export interface Summary {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly runs: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error("no values to summarize");
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { min: s[0]!, median, max: s[s.length - 1]!, runs: s.length };
}

export type Verdict = "met" | "missed" | null;

export function verdict(figure: Figure, median: number): Verdict {
  const t = figure.target;
  if (!t) return null;
  if (t.atLeast !== undefined && median < t.atLeast) return "missed";
  if (t.atMost !== undefined && median > t.atMost) return "missed";
  return "met";
}

/** A figure in its unit with the precision that unit deserves. */
export function format(value: number, unit: Figure["unit"]): string {
  switch (unit) {
    case "µs":
      return value.toFixed(2);
    case "ms":
      return value.toFixed(3);
    case "%":
      return value.toFixed(1);
    case "bytes":
      return Math.round(value).toLocaleString("en-US");
    default:
      if (Math.abs(value) >= 999_500) return `${(value / 1e6).toFixed(2)} M`;
      if (Math.abs(value) >= 1e4) return `${(value / 1e3).toFixed(1)} k`;
      return Math.round(value).toLocaleString("en-US");
  }
}

export function formatTarget(figure: Figure): string {
  const t = figure.target;
  if (!t) return "";
  const parts: string[] = [];
  if (t.atLeast !== undefined) parts.push(`≥ ${format(t.atLeast, figure.unit)}`);
  if (t.atMost !== undefined) parts.push(`≤ ${format(t.atMost, figure.unit)}`);
  return `${parts.join(", ")} ${figure.unit}`;
}
