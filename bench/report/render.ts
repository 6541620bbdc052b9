// docs/performance.md from the history: the latest run in full, every figure with its chart. The
// README's headline table is rendered here too, so it quotes the same medians.
import type { RunRecord } from "./history.js";
import { BENCHMARKS, type Figure } from "./registry.js";
import { format, formatTarget, verdict, type Summary } from "./stats.js";

export const chartPath = (figure: Figure) => `performance/${figure.id}.svg`;

function spread(s: Summary): string {
  return s.median === 0 ? "" : `${Math.round((100 * (s.max - s.min)) / Math.abs(s.median))}%`;
}

const inRange = (v: number, s: Summary) => v >= s.min && v <= s.max;

function rerun(r: Summary | undefined, s: Summary, f: (v: number) => string): string {
  return r === undefined ? "" : `${f(r.median)}${inRange(r.median, s) ? "" : " ✗"}`;
}

function status(figure: Figure, s: Summary): string {
  const v = verdict(figure, s.median);
  return v === null ? "" : v === "met" ? "met" : "**missed**";
}

export function renderReport(latest: RunRecord, history: readonly RunRecord[]): string {
  const m = latest.machine;
  const lines = [
    "# Performance",
    "",
    "<!-- Written by `npm run bench:report`. Do not edit by hand: the next run overwrites this file. -->",
    "",
    `Written by \`npm run bench:report\` on ${latest.date} at commit \`${latest.commit}\`${latest.dirty ? " (with uncommitted changes)" : ""}.`,
    "",
    `**Machine:** ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}; ` +
      `1-minute load average ${m.loadBefore.toFixed(2)} before the runs and ${m.loadAfter.toFixed(2)} after. ` +
      "Client and server share these cores.",
    "",
  ];
  if (latest.note) lines.push(`**Note:** ${latest.note}`, "");
  const re = latest.recheck;
  if (re) {
    const ids = Object.keys(re.figures).filter((id) => latest.figures[id]);
    const inside = ids.filter((id) => inRange(re.figures[id]!.median, latest.figures[id]!)).length;
    lines.push(
      `**Re-run check:** on ${re.date}, an independent \`npm run bench:report -- --check\` of the same code ` +
        `(${re.runs} rounds, load average ${re.loadBefore.toFixed(2)} before) put **${inside} of ${ids.length}** medians ` +
        "inside the min–max reported here; the *re-run* column shows each, and ✗ marks one outside.",
      "",
    );
  } else {
    lines.push("**Re-run check:** none yet for this run (`npm run bench:report -- --check` adds one).", "");
  }
  lines.push(
    `**Method:** every benchmark ran ${latest.runs} times, each run a fresh process, in interleaved rounds ` +
      "(every benchmark once, then again), so a burst of load elsewhere on the machine spreads over " +
      "benchmarks instead of landing on one. Each figure is the **median** of the runs with their " +
      "minimum and maximum; *spread* is (max − min) / median. A target is met or missed on the " +
      "median. Durable figures use FerretDB over SQLite built from the Go module proxy (not MongoDB), " +
      "unary load comes from ghz. History: [`bench/history.jsonl`](../bench/history.jsonl) " +
      "(one line per report); charts below show every figure across the recorded commits.",
    "",
    "Benchmarks and targets are declared in [`bench/report/registry.ts`](../bench/report/registry.ts); " +
      "`npm run bench:report -- --smoke` (CI) checks that every benchmark runs and prints every figure, not speed.",
    "",
  );
  for (const bench of BENCHMARKS) {
    lines.push(`## ${bench.id} — \`${bench.script}\``, "", `${bench.what}.`, "");
    lines.push("| figure | median | min | max | spread | re-run | target | status |", "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |");
    for (const figure of bench.figures) {
      const s = latest.figures[figure.id];
      if (!s) {
        lines.push(`| ${figure.label} | not measured | | | | | ${formatTarget(figure)} | |`);
        continue;
      }
      const f = (v: number) => format(v, figure.unit);
      lines.push(
        `| ${figure.label} (${figure.unit}) | **${f(s.median)}** | ${f(s.min)} | ${f(s.max)} | ${spread(s)} | ${rerun(re?.figures[figure.id], s, f)} | ${formatTarget(figure)} | ${status(figure, s)} |`,
      );
    }
    lines.push("");
    const targets = bench.figures.filter((f) => f.target).map((f) => `${f.label}: ${f.target!.source}`);
    if (targets.length > 0) lines.push(`Targets — ${targets.join("; ")}.`, "");
    for (const figure of bench.figures) lines.push(`![${figure.label}](${chartPath(figure)})`);
    lines.push("");
  }
  lines.push(
    "## History",
    "",
    "| date | commit | runs | machine | note |",
    "| --- | --- | ---: | --- | --- |",
    ...history.map((r) => `| ${r.date} | \`${r.commit}\`${r.dirty ? "+" : ""} | ${r.runs} | ${r.machine.cores} × ${r.machine.cpu}, Node ${r.machine.node} | ${r.note} |`),
    "",
  );
  return lines.join("\n");
}

export const README_START = "<!-- bench:report:start (written by npm run bench:report) -->";
export const README_END = "<!-- bench:report:end -->";

/** The README's headline: every figure that has a target, median and range, from the same run. */
export function renderReadmeBlock(latest: RunRecord): string {
  const rows = BENCHMARKS.flatMap((b) => b.figures)
    .filter((f) => f.target && latest.figures[f.id])
    .map((figure) => {
      const s = latest.figures[figure.id]!;
      const f = (v: number) => format(v, figure.unit);
      return `| ${figure.label} | **${f(s.median)}** (${f(s.min)}–${f(s.max)}) ${figure.unit} | ${formatTarget(figure)} | ${status(figure, s)} |`;
    });
  return [
    README_START,
    `Medians of ${latest.runs} runs (min–max) on ${latest.machine.cores} shared cores, Node ${latest.machine.node}, ${latest.date.slice(0, 10)}, commit \`${latest.commit}\`${latest.note ? ` — ${latest.note}` : ""}:`,
    "",
    "| figure | median (min–max) | target | status |",
    "| --- | --- | --- | --- |",
    ...rows,
    README_END,
  ].join("\n");
}
