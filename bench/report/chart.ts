// One SVG per figure across the runs in bench/history.jsonl: the median as a line of dots, the
// min–max of each run as a bar, the target as a dashed line. Hand-written, no dependencies;
// coordinates rounded so unchanged history gives byte-identical files.
import type { RunRecord } from "./history.js";
import type { Figure } from "./registry.js";
import { format } from "./stats.js";

const W = 640;
const H = 240;
const LEFT = 70;
const RIGHT = 16;
const TOP = 34;
const BOTTOM = 52;

const r1 = (x: number) => (Math.round(x * 10) / 10).toFixed(1);
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function figureChart(figure: Figure, history: readonly RunRecord[]): string {
  const points = history.flatMap((run) => {
    const s = run.figures[figure.id];
    return s ? [{ run, s }] : [];
  });
  const values = points.flatMap((p) => [p.s.min, p.s.max]);
  const target = figure.target?.atLeast ?? figure.target?.atMost;
  if (target !== undefined) values.push(target);
  const hi = Math.max(...values, 0) * 1.1 || 1;
  const plotW = W - LEFT - RIGHT;
  const plotH = H - TOP - BOTTOM;
  const x = (i: number) => LEFT + (points.length === 1 ? plotW / 2 : (plotW * i) / (points.length - 1));
  const y = (v: number) => TOP + plotH - (plotH * v) / hi;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="18" font-size="13" font-weight="bold">${esc(`${figure.label} (${figure.unit})`)}</text>`,
    `<line x1="${LEFT}" y1="${r1(TOP + plotH)}" x2="${W - RIGHT}" y2="${r1(TOP + plotH)}" stroke="#888"/>`,
    `<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${r1(TOP + plotH)}" stroke="#888"/>`,
  ];
  for (const frac of [0, 0.5, 1]) {
    const v = (hi / 1.1) * frac;
    out.push(`<text x="${LEFT - 6}" y="${r1(y(v) + 4)}" text-anchor="end">${esc(format(v, figure.unit))}</text>`);
  }
  if (target !== undefined) {
    out.push(`<line x1="${LEFT}" y1="${r1(y(target))}" x2="${W - RIGHT}" y2="${r1(y(target))}" stroke="#c0392b" stroke-dasharray="5,4"/>`);
    out.push(`<text x="${W - RIGHT}" y="${r1(y(target) - 4)}" text-anchor="end" fill="#c0392b">target ${esc(format(target, figure.unit))}</text>`);
  }
  const path = points.map((p, i) => `${i === 0 ? "M" : "L"}${r1(x(i))},${r1(y(p.s.median))}`).join(" ");
  if (points.length > 1) out.push(`<path d="${path}" fill="none" stroke="#2c7fb8" stroke-width="1.5"/>`);
  points.forEach((p, i) => {
    out.push(`<line x1="${r1(x(i))}" y1="${r1(y(p.s.min))}" x2="${r1(x(i))}" y2="${r1(y(p.s.max))}" stroke="#2c7fb8" stroke-width="5" stroke-opacity="0.35"/>`);
    out.push(`<circle cx="${r1(x(i))}" cy="${r1(y(p.s.median))}" r="3" fill="#2c7fb8"/>`);
    out.push(`<text x="${r1(x(i))}" y="${H - BOTTOM + 16}" text-anchor="middle">${esc(p.run.commit.slice(0, 7))}</text>`);
    out.push(`<text x="${r1(x(i))}" y="${H - BOTTOM + 30}" text-anchor="middle" fill="#666">${esc(p.run.date.slice(0, 10))}</text>`);
  });
  out.push(`<text x="${LEFT}" y="${H - 6}" fill="#666">dot: median of the runs; bar: min–max; x: the commit measured</text>`);
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
