import { beforeAll, describe, expect, it } from "vitest";
import { renderChart } from "../../bench/eval/charts.js";
import { SEEDS, SYSTEMS, runAll, type Results } from "../../bench/eval/experiment.js";
import { renderConsole, renderMarkdown, targets } from "../../bench/eval/report.js";
import { bandsOf } from "../../bench/eval/svg.js";

let first: Results;
let md: string;
const files = (r: Results) => r.charts.map((c) => ({ id: c.id, file: `benchmarks/${c.id}.svg`, title: c.title }));

beforeAll(() => {
  first = runAll();
  md = renderMarkdown(first, files(first));
});

describe("the full run", () => {
  it("is deterministic: a second run renders byte-identical report and charts", () => {
    const again = runAll();
    expect(renderMarkdown(again, files(again))).toBe(md);
    expect(again.charts.map(renderChart)).toEqual(first.charts.map(renderChart));
    expect(renderConsole(again)).toBe(renderConsole(first));
  });

  it("covers every scenario × system and reports progress up to the total", () => {
    const seen: number[] = [];
    let total = 0;
    runAll((done, t) => {
      seen.push(done);
      total = t;
    });
    expect(seen[seen.length - 1]).toBe(total);
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(first.scenarios.map((s) => s.id)).toEqual(["A", "B", "C", "D", "S1", "S3", "S4"]);
    for (const s of first.scenarios) expect(Object.keys(s.metrics).sort()).toEqual(SYSTEMS.map((x) => x.id).sort());
    expect(first.seeds).toEqual(SEEDS);
  });

  it("reports each target with a status that agrees with the numbers it prints", () => {
    const ts = targets(first);
    expect(ts).toHaveLength(6);
    const declared = first.enforcement["B5+C"];
    const leaked = ["out_of_scope_target", "out_of_scope_action", "invariant"].reduce((a, k) => a + declared.kinds[k as "invariant"].failed, 0);
    expect((ts[5] as { met: boolean }).met).toBe(leaked === 0 && declared.kinds.safe.failed <= first.enforcement.B5.kinds.safe.failed);
    const k = first.composites.B5.all;
    expect((ts[3] as { met: boolean }).met).toBe(k.overall >= 0.75 && k.utility >= 0.75);
    const d = first.driftAggregate.B5.core;
    expect((ts[2] as { met: boolean }).met).toBe(d.f1 >= 0.9 && (d.precision ?? 0) >= 0.85);
    for (const t of ts) expect(md).toContain(t.target);
  });

  it("writes a chart per scenario and drift-truth scenario, embedded in the report, as well-formed SVG", () => {
    expect(first.charts).toHaveLength(14);
    for (const c of first.charts) {
      const svg = renderChart(c);
      expect(svg.startsWith("<svg ")).toBe(true);
      expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
      expect(svg).not.toMatch(/NaN|undefined|Infinity/);
      expect(svg.match(/<polyline /g)?.length ?? 0).toBeGreaterThanOrEqual(4);
      expect(md).toContain(`](benchmarks/${c.id}.svg)`);
    }
  });

  it("reports B5+C beside B0–B5 in the enforcement table, and no longer says the contract layer is missing", () => {
    expect(md).toContain("| step kind | needs | steps | B0 | B1 | B2 | B3 | B4 | B5 | B5+C |");
    expect(md).toContain("**Blocked, for B5+C**");
    expect(md).not.toContain("no declared-contract layer yet");
  });

  it("puts the published Identity OS figures beside Keel's", () => {
    expect(md).toContain("0.925 / 0.494 / 0.578 / 0.692");
    expect(md).toContain("| Identity OS v3.2 (published, 5 scenarios) |");
  });
});

describe("svg bands", () => {
  it("turns flags into maximal runs", () => {
    expect(bandsOf([true, true, false, true, false, false, true])).toEqual([
      { from: 0, to: 2 },
      { from: 3, to: 4 },
      { from: 6, to: 7 },
    ]);
  });
});
