// The report section of the randomized drift evaluation: tables, targets and
// the delay / false-alarm chart (hand-written SVG, coordinates rounded so the
// file is byte-identical on every run).

import type { DriftDetector } from "../../src/engine/index.js";
import { KINDS } from "./drift-random.js";
import { RAMP_FRACTION, SUDDEN_WINDOW } from "./drift-match.js";
import type { KindScore } from "./drift-match.js";
import { DETECTORS, TOLERANCES, type RandomDriftResults } from "./drift-random-eval.js";
import type { DriftActingRow } from "./drift-acting.js";
import { f2, f3, markdown, type Table } from "./tables.js";

const NAMES: Record<DriftDetector, string> = { anchor: "anchor (seed)", sequential: "sequential" };
const d0 = (x: number | null) => (x === null ? "—" : String(x));

function cells(k: KindScore): string[] {
  return [f3(k.precision), f3(k.recall), f3(k.f1), f2(k.faRate), `${d0(k.delayMedian)} / ${d0(k.delayP90)}`];
}

/** Per kind, test agents, normal tolerance: the two detectors side by side. */
export function perKindTable(r: RandomDriftResults): Table {
  const a = r.test.anchor.normal;
  const s = r.test.sequential.normal;
  const head = ["precision", "recall", "F1", "FA / 10k", "delay med / p90"];
  const row = (label: string, x: KindScore, y: KindScore, agents: string, changes: string) => [label, agents, changes, ...cells(x), ...cells(y)];
  return {
    headers: ["kind", "agents", "changes", ...head.map((h) => `anchor ${h}`), ...head.map((h) => `sequential ${h}`)],
    rows: [
      ...KINDS.map((k) => row(k, a.byKind[k], s.byKind[k], String(a.byKind[k].agents), String(a.byKind[k].changes))),
      row("**all**", a.all, s.all, String(a.all.agents), String(a.all.changes)),
      ["sudden changes (recall, delay)", "", String(a.sudden.changes), "", f3(a.sudden.recall), "", "", `${d0(a.sudden.delayMedian)} / ${d0(a.sudden.delayP90)}`, "", f3(s.sudden.recall), "", "", `${d0(s.sudden.delayMedian)} / ${d0(s.sudden.delayP90)}`],
      ["frequency-only changes (recall, delay)", "", String(a.frequency.changes), "", f3(a.frequency.recall), "", "", `${d0(a.frequency.delayMedian)} / ${d0(a.frequency.delayP90)}`, "", f3(s.frequency.recall), "", "", `${d0(s.frequency.delayMedian)} / ${d0(s.frequency.delayP90)}`],
    ],
    right: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  };
}

/** Every detector × tolerance on the test agents: the points of the chart. */
export function toleranceTable(r: RandomDriftResults): Table {
  return {
    headers: ["detector", "drift_tolerance", "precision", "recall", "F1", "FA / 10k steady cycles", "sudden delay med / p90", "ramps found before 60%"],
    rows: DETECTORS.flatMap((d) =>
      TOLERANCES.map((t) => {
        const x = r.test[d][t];
        return [NAMES[d], t, f3(x.all.precision), f3(x.all.recall), f3(x.all.f1), f2(x.all.faRate), `${d0(x.sudden.delayMedian)} / ${d0(x.sudden.delayP90)}`, f3(x.byKind.ramp.recall)];
      }),
    ),
    right: [2, 3, 4, 5, 6, 7],
  };
}

export interface RandomDriftTarget {
  target: string;
  value: string;
  met: boolean;
}

/** The issue's targets, on the test agents with the sequential detector at normal tolerance. */
export function randomDriftTargets(r: RandomDriftResults): RandomDriftTarget[] {
  const s = r.test.sequential.normal;
  const p = s.all.precision ?? 0;
  const truthNew = r.truth.sequential.core;
  const truthOld = r.truth.anchor.core;
  return [
    { target: "F1 ≥ 0.92 with precision ≥ 0.92", value: `F1 ${f3(s.all.f1)}, precision ${f3(s.all.precision)}`, met: s.all.f1 >= 0.92 && p >= 0.92 },
    { target: "≤ 1 false alarm per 10,000 steady cycles", value: f2(s.all.faRate), met: s.all.faRate <= 1 },
    { target: "sudden changes: median delay ≤ 15 cycles", value: `${d0(s.sudden.delayMedian)} (recall ${f3(s.sudden.recall)})`, met: s.sudden.delayMedian !== null && s.sudden.delayMedian <= 15 },
    { target: "gradual ramps found before 60% of the ramp", value: `${f3(s.byKind.ramp.recall)} of ramps (median at ${f2(s.byKind.ramp.rampShareMedian)} of the ramp)`, met: (s.byKind.ramp.recall ?? 0) >= 0.9 },
    { target: "frequency-only drift: recall ≥ 0.9", value: f3(s.frequency.recall), met: (s.frequency.recall ?? 0) >= 0.9 },
    { target: "drift ground truth no worse (core F1)", value: `${f3(truthNew.f1)} (anchor ${f3(truthOld.f1)})`, met: truthNew.f1 >= truthOld.f1 },
  ];
}

export function truthTable(r: RandomDriftResults): Table {
  return {
    headers: ["detector", "core TP / FP / FN", "core precision", "core recall", "core F1", "all 7 scenarios F1"],
    rows: DETECTORS.map((d) => {
      const t = r.truth[d];
      return [NAMES[d], `${t.core.tp} / ${t.core.fp} / ${t.core.fn}`, f3(t.core.precision), f3(t.core.recall), f3(t.core.f1), f3(t.all.f1)];
    }),
    right: [2, 3, 4, 5],
  };
}

const fx = (x: number) => (Math.round(x * 10) / 10).toFixed(1);

/** Median sudden-change delay against false alarms per 10k steady cycles, one line per detector over the tolerances. */
export function renderDelayChart(r: RandomDriftResults): string {
  const W = 640;
  const H = 380;
  const L = 60;
  const R = 150;
  const T = 40;
  const B = 50;
  const pts = DETECTORS.map((d) => TOLERANCES.map((t) => ({ t, x: r.test[d][t].all.faRate, y: r.test[d][t].sudden.delayMedian ?? 0 })));
  const xMax = Math.max(1, ...pts.flat().map((p) => p.x)) * 1.1;
  const yMax = Math.max(15, ...pts.flat().map((p) => p.y)) * 1.15;
  const px = (x: number) => L + ((W - L - R) * x) / xMax;
  const py = (y: number) => T + (H - T - B) - ((H - T - B) * y) / yMax;
  const colours: Record<DriftDetector, string> = { anchor: "#c0392b", sequential: "#2471a3" };
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${L}" y="20" font-size="14" font-weight="bold">Drift on random test agents: delay against false alarms</text>`,
    `<line x1="${L}" y1="${fx(py(0))}" x2="${fx(W - R)}" y2="${fx(py(0))}" stroke="#333"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${fx(py(0))}" stroke="#333"/>`,
    `<text x="${fx((L + W - R) / 2)}" y="${H - 12}" text-anchor="middle">false alarms per 10,000 steady cycles</text>`,
    `<text x="14" y="${fx((T + H - B) / 2)}" transform="rotate(-90 14 ${fx((T + H - B) / 2)})" text-anchor="middle">median delay, sudden changes (cycles)</text>`,
  ];
  // Target region: ≤ 1 false alarm per 10k, median delay ≤ 15.
  out.push(`<rect x="${L}" y="${fx(py(15))}" width="${fx(px(1) - L)}" height="${fx(py(0) - py(15))}" fill="#27ae60" fill-opacity="0.12"/>`);
  out.push(`<text x="${fx(L + 4)}" y="${fx(py(15) - 4)}" fill="#1e8449">target</text>`);
  for (let k = 0; k <= 4; k++) {
    const xv = (xMax / 4) * k;
    const yv = (yMax / 4) * k;
    out.push(`<text x="${fx(px(xv))}" y="${fx(py(0) + 14)}" text-anchor="middle">${xv.toFixed(1)}</text>`);
    out.push(`<text x="${L - 6}" y="${fx(py(yv) + 4)}" text-anchor="end">${yv.toFixed(0)}</text>`);
  }
  DETECTORS.forEach((d, i) => {
    const line = pts[i] as { t: string; x: number; y: number }[];
    out.push(`<polyline fill="none" stroke="${colours[d]}" stroke-width="1.5" points="${line.map((p) => `${fx(px(p.x))},${fx(py(p.y))}`).join(" ")}"/>`);
    for (const p of line) {
      out.push(`<circle cx="${fx(px(p.x))}" cy="${fx(py(p.y))}" r="4" fill="${colours[d]}"/>`);
      out.push(`<text x="${fx(px(p.x) + 6)}" y="${fx(py(p.y) - 6)}" fill="${colours[d]}">${p.t}</text>`);
    }
    out.push(`<rect x="${W - R + 14}" y="${T + 10 + i * 20}" width="12" height="12" fill="${colours[d]}"/>`);
    out.push(`<text x="${W - R + 32}" y="${T + 20 + i * 20}">${NAMES[d]}</text>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

export function driftActingTable(rows: readonly DriftActingRow[]): Table {
  const c = (k: { total: number; failed: number }) => `${k.failed} of ${k.total} (${((100 * k.failed) / Math.max(1, k.total)).toFixed(1)}%)`;
  return {
    headers: ["detector", "drift_restricts_at", "risky steps during the identity attack let through", "safe steps wrongly blocked", "of them in calm phases"],
    rows: rows.map((x) => [NAMES[x.detector], x.restrictsAt ?? "unset (drift only monitors)", c(x.attack), c(x.safe), c(x.safeCalm)]),
    right: [2, 3, 4],
  };
}

/** Where the sequential detector's false alarms and misses fall on the test agents. */
function reading(r: RandomDriftResults): string {
  const s = r.test.sequential.normal;
  const fa = KINDS.filter((k) => s.byKind[k].fa > 0).map((k) => `${k} ${s.byKind[k].fa}`).join(", ");
  const fn = KINDS.filter((k) => s.byKind[k].fn > 0).map((k) => `${k} ${s.byKind[k].fn}`).join(", ");
  return [
    `**Reading it.** The sequential detector raises ${s.all.fa} false alarms on the test agents (by kind: ${fa}) and misses ${s.all.fn} of ${s.all.changes} changes (${fn}); the anchor detector raises ${r.test.anchor.normal.all.fa} and misses ${r.test.anchor.normal.all.fn}.`,
    "On pure steady agents the rate is " + f2(s.byKind.steady.faRate) + " per 10k steady cycles; most false alarms fall in agents that do change: late or repeated detections.",
    "What the training agents showed about them (the test agents were not inspected): a ramp that keeps moving after the detector has adopted a new reference raises a second alarm; small intensity shifts (0.25) of a mode in a noisy agent (σ 0.15) are found after the 60-cycle window; and a chance cluster of a rare mode's observations can push the CUSUM over its threshold on a steady agent. Bursts are mostly held out (their rate is the burst row).",
  ].join(" ");
}

export function randomDriftSection(r: RandomDriftResults, chartFile: string, acting: readonly DriftActingRow[]): string[] {
  const targets = randomDriftTargets(r);
  const tr = r.train.sequential;
  return [
    "## Drift on random agents (issue 16)",
    [
      `A randomized labelled set (\`bench/eval/drift-random.ts\`), fixed — generator, matching rule and split — in its own commit before any detector was tuned on it (its fingerprint is pinned in \`test/eval/drift-random.test.ts\`). Each agent draws 1–7 active modes with random weights, an intensity per mode in 0.2–0.95 and a noise level (σ 0.03, 0.08 or 0.15); every cycle one mode is drawn by weight and reported at its intensity plus noise. Kinds, in rotation: steady; mix (weights and intensities redrawn, ≥ 0.3 of the mass moves); intensity (1–3 frequent modes move 0.25–0.5, weights kept); frequency (a rare mode becomes dominant at 0.5–0.8, intensities kept); ramp (a mix change interpolated over 50–300 cycles); multi (2–3 sudden changes 150–250 cycles apart); burst (1–3 bursts of 1–20 cycles of one mode at 0.8–1.0 — not drift); crisis (10–60 cycles of stress_response at 0.8–1.0 — not drift). Changes start after 150–300 cycles. ${r.agents.train} training agents, ${r.agents.test} test agents (${r.agents.test ? r.agents.testCycles.toLocaleString("en-US") : 0} cycles), disjoint seeds.`,
      `**Matching rule.** A detection is a cycle after the 20-cycle warm-up whose contract reports D1 or above while the previous cycle's did not (so every flicker is a new alarm). It detects a change when it falls within ${SUDDEN_WINDOW} cycles of a sudden change's onset, or before ${RAMP_FRACTION * 100}% of a ramp has passed, and the change is not detected yet; every other detection is a false alarm (no change, late, or repeated). Steady cycles are post-warm-up cycles outside every change window (bursts and crises included); false alarms are counted per 10,000 of them.`,
      `**Tuning.** The sequential detector's constants (\`SEQUENTIAL\` in \`src/engine/constants.ts\`) were chosen on the training agents only; the test agents below were run once, after the constants were committed. On the training agents at normal tolerance it scores precision ${f3(tr.all.precision)}, recall ${f3(tr.all.recall)}, F1 ${f3(tr.all.f1)}, ${f2(tr.all.faRate)} false alarms per 10k steady cycles, sudden median delay ${d0(tr.sudden.delayMedian)}; the anchor detector scores F1 ${f3(r.train.anchor.all.f1)} there.`,
      "Both detectors on the test agents, drift_tolerance normal, default profile otherwise:",
    ].join("\n\n"),
    markdown(perKindTable(r)),
    reading(r),
    "Targets (test agents, sequential detector, normal tolerance):",
    markdown({ headers: ["target", "value", "status"], rows: targets.map((t) => [t.target, t.value, t.met ? "met" : "**missed**"]) }),
    "Drift tolerance moves the CUSUM threshold of the sequential detector (strict 0.6×, permissive 1.6×) and the D0 threshold of the anchor detector; the chart plots each setting:",
    markdown(toleranceTable(r)),
    `![Delay against false alarms](${chartFile})`,
    "The project's own drift ground truth (the section above), with each detector:",
    markdown(truthTable(r)),
    "### Drift acting where the operator asks",
    "With `drift_restricts_at` set in the profile, at or above that level the risky actions leave the allowed set as they do at HIGH stress, and the contract lists each as an `ActionRestriction` with cause `RESTRICTION_CAUSE_DRIFT`. Effect on the enforcement task set (same sessions and seeds as the section above; default profile otherwise; the first row is B5 there):",
    markdown(driftActingTable(acting)),
  ];
}
