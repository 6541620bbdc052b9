// Turns a Keel run into its four-panel chart: stress, energy, allowed actions
// and drift over time. Threshold lines are the engine's nominal values
// (docs/engine.md gaps 2, 4, 7); memory feedback and trait stability can move
// the effective stress and D0 thresholds a little.

import { standardCount } from "./actions.js";
import type { ChartData } from "./experiment.js";
import { bandsOf, chart } from "./svg.js";

export function renderChart(c: ChartData): string {
  const tel = c.trace.telemetry.map((x) => {
    if (x === null) throw new Error("chart needs Keel telemetry");
    return x;
  });
  const turns = tel.length;
  const magnitudes = tel.map((x) => x.magnitude);
  const peak = Math.max(0.5, ...magnitudes.map((m) => m ?? 0));
  const yMaxDrift = Math.ceil(peak * 10) / 10;
  const rollbacks = tel.flatMap((x, t) => (x.rolledBack ? [t] : []));
  return chart(c.title, turns, [
    {
      title: "stress_response strength",
      yMax: 1,
      yTicks: [0, 0.5, 1],
      values: tel.map((x) => x.stress),
      guides: [
        { y: 0.3, label: "MED 0.30" },
        { y: 0.55, label: "HIGH 0.55" },
        { y: 0.9, label: "OVER 0.90" },
      ],
      bands: bandsOf(c.trace.stressTruth),
      bandLabel: "shaded: ground-truth stress turns",
    },
    {
      title: "energy",
      yMax: 1,
      yTicks: [0, 0.5, 1],
      values: tel.map((x) => x.energy),
      guides: [{ y: 0.2, label: "critical 0.20" }],
    },
    {
      title: "allowed actions (of 12)",
      yMax: 12,
      yTicks: [0, 4, 8, 12],
      values: c.trace.allowed.map(standardCount),
      step: true,
    },
    {
      title: "drift magnitude (level by the dashed boundaries; dots: D3 rollbacks)",
      yMax: yMaxDrift,
      yTicks: [0, yMaxDrift],
      values: magnitudes,
      guides: [
        { y: 0.08, label: "D1 0.08" },
        { y: 0.24, label: "D2 0.24" },
        { y: 0.4, label: "D3 0.40" },
      ],
      bands: c.driftSpans.map((s) => ({ from: s.onset, to: s.end })),
      bandLabel: "shaded: labelled drift",
      marks: rollbacks,
    },
  ]);
}
