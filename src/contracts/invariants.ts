// The invariant compiler: each of the eight rule types becomes a runtime check, built once per
// contract version. A check measures a value on the current cycle (null: nothing to measure yet,
// which holds) and holds while `value <comparison> threshold`. Every check reads an incremental
// monitor (window-monitors.ts, rate-monitor.ts, sum-monitor.ts) or the current cycle: constant
// work per cycle, never a rescan of its window.
import { countOf } from "./counts.js";
import type { Comparison, Invariant, InvariantType, ViolationResponse } from "./model.js";
import type { DriftScores, WindowEntry } from "./state.js";
import { sumTotal, type SumState } from "./sum-monitor.js";
import { spanKey, type SpanCounts, type WindowMonitors } from "./window-monitors.js";

export interface EvalContext {
  current: WindowEntry;
  monitors: WindowMonitors;
  drift: DriftScores;
  terms: ReadonlyMap<string, number | null>;
  /** Rate invariant id → matching timestamps inside its time window. */
  rates: Readonly<Record<string, readonly number[]>>;
  /** Sum invariant id → its monitor after this cycle (sum-monitor.ts). */
  sums: Readonly<Record<string, SumState>>;
}

export interface CompiledInvariant {
  id: string;
  type: InvariantType;
  response: ViolationResponse;
  /** null for temporal rules, which compare an hour against a range. */
  threshold: number | null;
  measure(ctx: EvalContext): number | null;
  holds(value: number): boolean;
  describe(value: number): string;
  /** How many recent cycles the check reads. */
  window: number;
  /** The span monitor it reads (count, ratio, distribution rules), compiled into the contract's monitors. */
  span: { key: string; dimension: "action" | "target" | "outcome"; span: number; freq: boolean } | null;
}

const SYMBOL: Record<Comparison, string> = { lt: "<", le: "<=", gt: ">", ge: ">=" };

function compare(value: number, comparison: Comparison, threshold: number): boolean {
  switch (comparison) {
    case "lt":
      return value < threshold;
    case "le":
      return value <= threshold;
    case "gt":
      return value > threshold;
    case "ge":
      return value >= threshold;
  }
}

/** Hours [start, end), wrapping past midnight when start > end. */
function inHours(hour: number, start: number, end: number): boolean {
  return start < end ? hour >= start && hour < end : hour >= start || hour < end;
}

export function compileInvariant(inv: Invariant): CompiledInvariant {
  const r = inv.rule;
  const base = { id: inv.id, type: r.type, response: inv.response, span: null };
  const numeric = (
    comparison: Comparison,
    threshold: number,
    window: number,
    what: string,
    measure: (ctx: EvalContext) => number | null,
  ): CompiledInvariant => ({
    ...base,
    threshold,
    window,
    measure,
    holds: (v) => compare(v, comparison, threshold),
    describe: (v) => `${what} is ${round(v)} - must be ${SYMBOL[comparison]} ${threshold}`,
  });
  /** A rule over the tag counts of its last `window` cycles. */
  const counted = (
    comparison: Comparison,
    threshold: number,
    dimension: "action" | "target" | "outcome",
    window: number,
    freq: boolean,
    what: string,
    measure: (s: SpanCounts) => number | null,
  ): CompiledInvariant => {
    const key = spanKey(dimension, window);
    return {
      ...numeric(comparison, threshold, window, what, (ctx) => measure(ctx.monitors.spans[key]!)),
      span: { key, dimension, span: window, freq },
    };
  };
  switch (r.type) {
    case "ratio":
      return counted(r.comparison, r.threshold, r.dimension, r.window, false, `${r.dimension} ratio ${r.numerator}/${r.denominator}`, (s) => {
        // A key counts as the numerator first, as when numerator and denominator are the same key.
        const num = countOf(s.counts, r.numerator);
        const den = r.denominator === r.numerator ? 0 : countOf(s.counts, r.denominator);
        return den === 0 ? null : num / den;
      });
    case "distribution":
      return counted(r.comparison, r.threshold, r.dimension, r.window, !r.key, r.key ? `share of ${r.dimension} ${r.key}` : `largest ${r.dimension} share`, (s) => {
        if (s.n < r.minObservations) return null;
        return r.key ? countOf(s.counts, r.key) / s.n : s.max / s.n;
      });
    case "drift":
      return numeric(r.comparison, r.threshold, 0, `${r.distribution} drift`, (ctx) => ctx.drift[r.distribution]);
    case "semantic":
      return numeric(r.comparison, r.threshold, 0, `fidelity of ${r.term}`, (ctx) => {
        const drift = ctx.terms.get(r.term);
        return drift === undefined || drift === null ? null : 1 - drift;
      });
    case "count":
      return counted(r.comparison, r.threshold, r.dimension, r.window, false, `distinct ${r.dimension} count`, (s) => s.distinct);
    case "rate":
      return numeric(r.comparison, r.threshold, 0, `${r.action || "observation"} rate over ${r.windowSeconds}s relative to ${r.baseline}`, (ctx) =>
        (ctx.rates[inv.id]?.length ?? 0) / r.baseline,
      );
    case "sum":
      return numeric(r.comparison, r.threshold, 0, `sum of ${r.action || "observation"} amounts over ${r.windowSeconds}s`, (ctx) =>
        Object.hasOwn(ctx.sums, inv.id) ? sumTotal(ctx.sums[inv.id]!) : null,
      );
    case "temporal":
      return {
        ...base,
        threshold: null,
        window: 1,
        measure: (ctx) => ctx.current.h,
        holds: (h) => inHours(h, r.startHour, r.endHour),
        describe: (h) => `observed at UTC hour ${h} - allowed from ${r.startHour} to ${r.endHour}`,
      };
  }
}

function round(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
