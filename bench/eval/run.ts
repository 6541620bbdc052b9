// The evaluation suite's one command:
//
//   npx tsx bench/eval/run.ts
//
// Runs every scenario × system × seed, the drift ground truth and the
// enforcement task set; prints the tables to stdout (progress on stderr) and
// regenerates docs/benchmarks.md and docs/benchmarks/*.svg from scratch.
// Deterministic: two runs write byte-identical files.

import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderChart } from "./charts.js";
import { renderDelayChart } from "./drift-random-report.js";
import { SEEDS, runAll } from "./experiment.js";
import { evaluateRandomDrift } from "./drift-random-eval.js";
import { evaluateDriftActing } from "./drift-acting.js";
import { renderConsole, renderMarkdown } from "./report.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const docs = join(root, "docs");
const chartDir = join(docs, "benchmarks");
const DELAY_CHART = "benchmarks/drift-delay-vs-false-alarms.svg";

const started = performance.now();
const err = process.stderr;
let lastShown = -1;
const results = runAll((done, total, label) => {
  const percent = Math.floor((100 * done) / total);
  if (err.isTTY) {
    const bar = "#".repeat(Math.floor(percent / 4)).padEnd(25, ".");
    err.write(`\r[${bar}] ${String(percent).padStart(3)}%  ${label.padEnd(32)}`);
    if (done === total) err.write("\n");
  } else if (percent >= lastShown + 10 || done === total) {
    lastShown = percent;
    err.write(`progress ${percent}% (${done}/${total}) ${label}\n`);
  }
});

mkdirSync(chartDir, { recursive: true });
for (const f of readdirSync(chartDir)) if (f.endsWith(".svg")) rmSync(join(chartDir, f));
const chartFiles = results.charts.map((c) => {
  const file = `benchmarks/${c.id}.svg`;
  writeFileSync(join(docs, file), renderChart(c));
  return { id: c.id, file, title: c.title };
});
err.write("random drift agents (issue 16): both detectors, three tolerances…\n");
const randomDrift = evaluateRandomDrift(SEEDS, (label) => err.write(`  ${label}\n`));
writeFileSync(join(docs, DELAY_CHART), renderDelayChart(randomDrift));
writeFileSync(join(docs, "benchmarks.md"), renderMarkdown(results, chartFiles, { results: randomDrift, chart: DELAY_CHART, acting: evaluateDriftActing(SEEDS) }));

process.stdout.write(renderConsole(results));
err.write(`wrote docs/benchmarks.md and ${chartFiles.length + 1} charts in docs/benchmarks/ (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
