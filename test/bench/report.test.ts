// The benchmark report's arithmetic and registry: medians of even and odd run counts, met/missed
// decided on the median against either kind of target, and a registry whose ids are unique,
// prefixed by their benchmark and backed by an existing script.
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BENCHMARKS, type Figure } from "../../bench/report/registry.js";
import type { RunRecord } from "../../bench/report/history.js";
import { renderReport } from "../../bench/report/render.js";
import { format, summarize, verdict } from "../../bench/report/stats.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("summarize", () => {
  it("reports min, median and max; the median of an even count is the mean of the middle two", () => {
    expect(summarize([5, 1, 3])).toEqual({ min: 1, median: 3, max: 5, runs: 3 });
    expect(summarize([4, 1, 3, 10])).toEqual({ min: 1, median: 3.5, max: 10, runs: 4 });
  });

  it("refuses an empty set of runs", () => {
    expect(() => summarize([])).toThrow();
  });
});

describe("verdict", () => {
  const throughput: Figure = { id: "x.t", label: "t", unit: "cycles/s", target: { atLeast: 100, source: "test" } };
  const latency: Figure = { id: "x.l", label: "l", unit: "ms", target: { atMost: 2, source: "test" } };
  it("decides met or missed on the median, at the boundary inclusive", () => {
    expect([verdict(throughput, 99.9), verdict(throughput, 100), verdict(throughput, 150)]).toEqual(["missed", "met", "met"]);
    expect([verdict(latency, 1), verdict(latency, 2), verdict(latency, 2.01)]).toEqual(["met", "met", "missed"]);
  });

  it("has no verdict for a figure without a target", () => {
    expect(verdict({ id: "x.n", label: "n", unit: "bytes" }, 1)).toBeNull();
  });
});

describe("registry", () => {
  it("names unique figures, each prefixed by its benchmark, and scripts that exist", () => {
    const ids = BENCHMARKS.flatMap((b) => b.figures.map((f) => f.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const bench of BENCHMARKS) {
      expect(existsSync(path.join(root, bench.script))).toBe(true);
      // A benchmark in another language runs through its command's script (e.g. bench/python-sdk/run.sh).
      if (bench.command) expect(existsSync(path.join(root, bench.command[bench.command.length - 1]!))).toBe(true);
      for (const figure of bench.figures) expect(figure.id.startsWith(`${bench.id}.`)).toBe(true);
    }
  });

  it("formats throughput in k and M, latency with its precision", () => {
    expect(format(1_534_000, "cycles/s")).toBe("1.53 M");
    expect(format(45_210, "contracts/s")).toBe("45.2 k");
    expect(format(3_412, "calls/s")).toBe("3,412");
    expect(format(0.2346, "ms")).toBe("0.235");
    expect(format(999_999.9, "cycles/s")).toBe("1.00 M");
  });
});

describe("re-run check in the report", () => {
  const figure = BENCHMARKS[0]!.figures[0]!;
  const summary = (min: number, median: number, max: number) => ({ min, median, max, runs: 3 });
  const record = (rerunMedian: number): RunRecord => ({
    date: "2026-12-08T00:00:00Z",
    commit: "abc",
    dirty: false,
    machine: { cpu: "cpu", cores: 2, memoryGiB: 1, node: "24", platform: "linux", loadBefore: 0, loadAfter: 0 },
    runs: 5,
    note: "",
    figures: { [figure.id]: summary(100, 110, 120) },
    recheck: { date: "2026-12-08T01:00:00Z", runs: 3, loadBefore: 0.5, figures: { [figure.id]: summary(rerunMedian, rerunMedian, rerunMedian) } },
  });

  it("counts the re-run medians inside the reported range and marks the ones outside", () => {
    const row = (md: string) => md.split("\n").find((l) => l.startsWith(`| ${figure.label} (`))!;
    expect(renderReport(record(105), [record(105)])).toContain("**1 of 1** medians");
    expect(row(renderReport(record(105), [record(105)]))).not.toContain("✗");
    expect(renderReport(record(130), [record(130)])).toContain("**0 of 1** medians");
    expect(row(renderReport(record(130), [record(130)]))).toContain("✗");
  });
});
