// npm run bench:report [-- --runs N] [--note "…"] [--only engine,auth] [--smoke]
//
// Runs every benchmark in bench/report/registry.ts N times (default 5) in interleaved rounds,
// collects the figures each prints (bench/report/emit.ts), and writes docs/performance.md, its
// charts (docs/performance/*.svg), a line in bench/history.jsonl and the README's headline block.
//
// --smoke (CI): each benchmark once at toy sizes; fails if one crashes or a declared figure is
// missing (or an undeclared one appears). Never judges speed and writes nothing.
// --only: run a subset and print the summary without writing anything.
// --render-only: run nothing; rewrite the report, charts and README block from bench/history.jsonl.
// --check: an independent re-run (default 3 rounds) of the commit the latest report measured; says
// per figure whether its median falls inside the reported min–max, and records that in the report.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { figureChart } from "./chart.js";
import { FIGURE_PREFIX } from "./emit.js";
import { appendHistory, readHistory, replaceLatest, type RunRecord } from "./history.js";
import { BENCHMARKS, type Benchmark } from "./registry.js";
import { chartPath, README_END, README_START, renderReadmeBlock, renderReport } from "./render.js";
import { format, summarize, verdict } from "./stats.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const HISTORY = path.join(root, "bench/history.jsonl");
const REPORT = path.join(root, "docs/performance.md");
const README = path.join(root, "README.md");
/** Files the report itself writes: changes to them do not make a run "dirty". */
const OWN_FILES = ["bench/history.jsonl", "docs/performance.md", "docs/performance/", "README.md"];

const { values: args } = parseArgs({
  options: {
    runs: { type: "string" },
    note: { type: "string", default: "" },
    only: { type: "string" },
    smoke: { type: "boolean", default: false },
    "render-only": { type: "boolean", default: false },
    check: { type: "boolean", default: false },
  },
});
const smoke = args.smoke;
const check = args.check;
const runs = smoke ? 1 : Number(args.runs ?? (check ? "3" : "5"));
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${args.runs}`);
const only = args.only?.split(",");
const selected = BENCHMARKS.filter((b) => !only || only.includes(b.id));
if (only && selected.length !== only.length) throw new Error(`--only names unknown benchmarks; known: ${BENCHMARKS.map((b) => b.id).join(", ")}`);

/** One run of one benchmark: its figures by id. Rejects on a crash, a timeout or a bad figure set. */
function runOnce(bench: Benchmark): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const [file, ...argv] = bench.command ?? [process.execPath, "--import", "tsx", path.join(root, bench.script)];
    const child = spawn(file!, argv, {
      cwd: root,
      env: { ...process.env, BENCH_SMOKE: smoke ? "1" : "0" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const figures = new Map<string, number>();
    const problems: string[] = [];
    const declared = new Set(bench.figures.map((f) => f.id));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (!line.startsWith(FIGURE_PREFIX)) return void console.log(`  [${bench.id}] ${line}`);
      const { id, value } = JSON.parse(line.slice(FIGURE_PREFIX.length)) as { id: string; value: number };
      if (!declared.has(id)) problems.push(`printed undeclared figure ${id}`);
      else if (figures.has(id)) problems.push(`printed ${id} twice`);
      else figures.set(id, value);
    });
    const limit = setTimeout(() => child.kill("SIGKILL"), (smoke ? 5 : 20) * 60_000);
    child.on("close", (code, signal) => {
      clearTimeout(limit);
      if (code !== 0) problems.push(`exited with ${signal ?? `code ${code}`}`);
      for (const id of declared) if (!figures.has(id)) problems.push(`printed no figure ${id}`);
      if (problems.length > 0) reject(new Error(`${bench.script}: ${problems.join("; ")}`));
      else resolve(figures);
    });
  });
}

const git = (...a: string[]) => execFileSync("git", a, { cwd: root, encoding: "utf8" }).trim();

if (args["render-only"]) {
  writeOutputs(readHistory(HISTORY));
  console.log("rewrote docs/performance.md, docs/performance/*.svg and README.md's headline from bench/history.jsonl");
  process.exit(0);
}

// What is measured is the tree at the start: later edits do not change the record.
const commit = git("rev-parse", "--short=12", "HEAD");
const dirty = git("status", "--porcelain")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .some((l) => !OWN_FILES.some((own) => l.slice(3).startsWith(own)));
const loadBefore = os.loadavg()[0]!;
const checked = check ? checkedRecord() : undefined;
const samples = new Map<string, number[]>();
const started = Date.now();
for (let round = 1; round <= runs; round++) {
  for (const bench of selected) {
    const t0 = Date.now();
    console.log(`== round ${round}/${runs}: ${bench.id} (${bench.script})`);
    const figures = await runOnce(bench);
    for (const [id, value] of figures) samples.set(id, [...(samples.get(id) ?? []), value]);
    console.log(`   ${bench.id}: ${figures.size} figures in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
}

const summaries = Object.fromEntries([...samples].map(([id, v]) => [id, summarize(v)]));
for (const bench of selected) {
  for (const figure of bench.figures) {
    const s = summaries[figure.id]!;
    const f = (v: number) => format(v, figure.unit);
    const v = verdict(figure, s.median);
    console.log(`${figure.id.padEnd(44)} median ${f(s.median).padStart(10)}  (${f(s.min)}–${f(s.max)}) ${figure.unit}${v ? `  target ${v}` : ""}`);
  }
}
const total = ((Date.now() - started) / 1000).toFixed(0);
if (smoke) {
  console.log(`bench:report --smoke: ${selected.length} benchmarks ran and printed all ${samples.size} declared figures in ${total} s`);
  process.exit(0);
}
if (only) {
  console.log(`--only: nothing written (${total} s)`);
  process.exit(0);
}
if (checked) {
  let inside = 0;
  for (const [id, s] of Object.entries(summaries)) {
    const r = checked.figures[id];
    const ok = r !== undefined && s.median >= r.min && s.median <= r.max;
    if (ok) inside++;
    console.log(`${id.padEnd(44)} re-run median ${s.median.toPrecision(4).padStart(10)}  ${ok ? "inside" : "OUTSIDE"} the reported ${r ? `${r.min.toPrecision(4)}–${r.max.toPrecision(4)}` : "(not reported)"}`);
  }
  const history = readHistory(HISTORY);
  replaceLatest(HISTORY, history, {
    ...checked,
    recheck: { date: new Date().toISOString().replace(/\.\d+Z$/, "Z"), runs, loadBefore, figures: summaries },
  });
  writeOutputs(readHistory(HISTORY));
  console.log(`--check: ${inside} of ${Object.keys(summaries).length} re-run medians inside the reported min–max; recorded in docs/performance.md (${total} s)`);
  process.exit(0);
}

const cpus = os.cpus();
const record: RunRecord = {
  date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  commit,
  dirty,
  machine: {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.versions.node,
    platform: `${os.platform()} ${os.release()}`,
    loadBefore,
    loadAfter: os.loadavg()[0]!,
  },
  runs,
  note: args.note,
  figures: summaries,
};
appendHistory(HISTORY, record);
writeOutputs(readHistory(HISTORY));
console.log(`wrote docs/performance.md, docs/performance/*.svg, README.md's headline and a line in bench/history.jsonl (${total} s)`);

/** The latest report, which a --check re-run must be of: same commit, clean tree, every benchmark. */
function checkedRecord(): RunRecord {
  const latest = readHistory(HISTORY).at(-1);
  if (!latest) throw new Error("--check re-runs the latest report, and bench/history.jsonl is empty: run npm run bench:report first");
  // A commit that only adds the report itself measures the same code.
  const changed = latest.commit === commit ? [] : git("diff", "--name-only", latest.commit, "HEAD").split("\n").filter((f) => f !== "" && !OWN_FILES.some((own) => f.startsWith(own)));
  if (changed.length > 0 || latest.dirty || dirty) {
    throw new Error(`--check must re-run what the latest report measured (commit ${latest.commit}${latest.dirty ? ", dirty" : ""}); HEAD is ${commit}${dirty ? " with uncommitted changes" : ""}: run npm run bench:report first`);
  }
  if (only) throw new Error("--check re-runs every benchmark; drop --only");
  return latest;
}

/** docs/performance.md, its charts and the README block, from the history (latest run last). */
function writeOutputs(history: RunRecord[]): void {
  const latest = history[history.length - 1];
  if (!latest) throw new Error("bench/history.jsonl is empty: run npm run bench:report first");
  const charts = path.join(root, "docs/performance");
  mkdirSync(charts, { recursive: true });
  // Charts of figures no longer declared go: the directory holds exactly the registry's figures.
  const declared = new Set(BENCHMARKS.flatMap((b) => b.figures.map((f) => path.basename(chartPath(f)))));
  for (const file of readdirSync(charts)) if (file.endsWith(".svg") && !declared.has(file)) rmSync(path.join(charts, file));
  for (const figure of BENCHMARKS.flatMap((b) => b.figures)) writeFileSync(path.join(root, "docs", chartPath(figure)), figureChart(figure, history));
  writeFileSync(REPORT, renderReport(latest, history));
  const readme = readFileSync(README, "utf8");
  const a = readme.indexOf(README_START);
  const b = readme.indexOf(README_END);
  if (a < 0 || b < a) throw new Error(`README.md has no block between "${README_START}" and "${README_END}"`);
  writeFileSync(README, readme.slice(0, a) + renderReadmeBlock(latest) + readme.slice(b + README_END.length));
}
