// How a benchmark hands a figure to `npm run bench:report`: one line on stdout,
//   BENCH-FIGURE {"id":"engine.cycles_per_second","value":1534000}
// beside its human-readable output. The id must be declared in bench/report/registry.ts, which
// holds the label, unit and target; a benchmark only measures and names what it measured.
//
// BENCH_SMOKE=1 (set by `npm run bench:report -- --smoke`, CI) asks for the smallest run that
// still exercises every code path and prints every figure; its numbers mean nothing.

export const FIGURE_PREFIX = "BENCH-FIGURE ";

export const smoke = process.env.BENCH_SMOKE === "1";

/** The full-size parameter normally, the small one in smoke mode. */
export function scaled(full: number, small: number): number {
  return smoke ? small : full;
}

export function emit(id: string, value: number): void {
  if (!Number.isFinite(value)) throw new Error(`figure ${id} is not a finite number: ${value}`);
  process.stdout.write(`${FIGURE_PREFIX}${JSON.stringify({ id, value })}\n`);
}
