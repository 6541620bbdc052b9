// The invariant compiler: each of the eight rule types becomes a runtime check, built once per
// contract version. A check measures a value on the current cycle (null: nothing to measure yet,
// which holds) and holds while `value <comparison> threshold`.
import { countOf, setCount, type Counts } from "./counts.js";
import { tagOf } from "./drift.js";
import type { Comparison, Invariant, InvariantType, ViolationResponse } from "./model.js";
import type { DriftScores, WindowEntry } from "./state.js";

export interface EvalContext {
  /** Oldest first, the current cycle last. */
  window: readonly WindowEntry[];
  current: WindowEntry;
  drift: DriftScores;
  terms: ReadonlyMap<string, number | null>;
  /** Rate invariant id → matching timestamps inside its time window. */
  rates: Readonly<Record<string, readonly number[]>>;
  /** Sum invariant id → the window's total after this cycle (sum-monitor.ts). */
  sums: ReadonlyMap<string, number>;
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

function tail(window: readonly WindowEntry[], n: number): readonly WindowEntry[] {
  return window.length <= n ? window : window.slice(window.length - n);
}

/** Hours [start, end), wrapping past midnight when start > end. */
function inHours(hour: number, start: number, end: number): boolean {
  return start < end ? hour >= start && hour < end : hour >= start || hour < end;
}

export function compileInvariant(inv: Invariant): CompiledInvariant {
  const r = inv.rule;
  const base = { id: inv.id, type: r.type, response: inv.response };
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
  switch (r.type) {
    case "ratio":
      return numeric(r.comparison, r.threshold, r.window, `${r.dimension} ratio ${r.numerator}/${r.denominator}`, (ctx) => {
        let num = 0;
        let den = 0;
        for (const e of tail(ctx.window, r.window)) {
          const k = tagOf(e, r.dimension);
          if (k === r.numerator) num++;
          else if (k === r.denominator) den++;
        }
        return den === 0 ? null : num / den;
      });
    case "distribution":
      return numeric(r.comparison, r.threshold, r.window, r.key ? `share of ${r.dimension} ${r.key}` : `largest ${r.dimension} share`, (ctx) => {
        const counts: Counts = {};
        let n = 0;
        for (const e of tail(ctx.window, r.window)) {
          const k = tagOf(e, r.dimension);
          if (k === null) continue;
          n++;
          setCount(counts, k, countOf(counts, k) + 1);
        }
        if (n < r.minObservations) return null;
        return r.key ? countOf(counts, r.key) / n : Math.max(...Object.values(counts)) / n;
      });
    case "drift":
      return numeric(r.comparison, r.threshold, 0, `${r.distribution} drift`, (ctx) => ctx.drift[r.distribution]);
    case "semantic":
      return numeric(r.comparison, r.threshold, 0, `fidelity of ${r.term}`, (ctx) => {
        const drift = ctx.terms.get(r.term);
        return drift === undefined || drift === null ? null : 1 - drift;
      });
    case "count":
      return numeric(r.comparison, r.threshold, r.window, `distinct ${r.dimension} count`, (ctx) => {
        const seen = new Set<string>();
        for (const e of tail(ctx.window, r.window)) {
          const k = tagOf(e, r.dimension);
          if (k !== null) seen.add(k);
        }
        return seen.size;
      });
    case "rate":
      return numeric(r.comparison, r.threshold, 0, `${r.action || "observation"} rate over ${r.windowSeconds}s relative to ${r.baseline}`, (ctx) =>
        (ctx.rates[inv.id]?.length ?? 0) / r.baseline,
      );
    case "sum":
      return numeric(r.comparison, r.threshold, 0, `sum of ${r.action || "observation"} amounts over ${r.windowSeconds}s`, (ctx) =>
        ctx.sums.get(inv.id) ?? null,
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
