// Hand-written SVG line charts: four stacked panels (stress, energy, allowed
// actions, drift) over turns for one Keel run. No dependencies; coordinates
// are rounded to 0.1 px so the files are byte-identical on every run.

export interface Band {
  from: number;
  /** Exclusive. */
  to: number;
}

export interface Panel {
  title: string;
  yMax: number;
  values: readonly (number | null)[];
  /** Dashed horizontal reference lines. */
  guides?: readonly { y: number; label: string }[];
  /** Shaded turn ranges (ground-truth stress or labelled drift). */
  bands?: readonly Band[];
  bandLabel?: string;
  /** Turns to mark with a dot (rollbacks). */
  marks?: readonly number[];
  step?: boolean;
  yTicks: readonly number[];
}

const WIDTH = 760;
const LEFT = 52;
const RIGHT = 16;
const PANEL_H = 96;
const GAP = 34;
const TOP = 40;

const f = (x: number) => (Math.round(x * 10) / 10).toFixed(1);
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Maximal runs of true values as bands. */
export function bandsOf(flags: readonly boolean[]): Band[] {
  const out: Band[] = [];
  flags.forEach((b, t) => {
    if (!b) return;
    const last = out[out.length - 1];
    if (last !== undefined && last.to === t) last.to = t + 1;
    else out.push({ from: t, to: t + 1 });
  });
  return out;
}

export function chart(title: string, turns: number, panels: readonly Panel[]): string {
  const plotW = WIDTH - LEFT - RIGHT;
  const height = TOP + panels.length * (PANEL_H + GAP) + 10;
  const x = (t: number) => LEFT + (plotW * t) / Math.max(1, turns - 1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  panels.forEach((p, k) => {
    const top = TOP + k * (PANEL_H + GAP);
    const y = (v: number) => top + PANEL_H - (PANEL_H * Math.min(Math.max(v, 0), p.yMax)) / p.yMax;
    out.push(`<text x="${LEFT}" y="${f(top - 6)}" font-weight="bold">${esc(p.title)}</text>`);
    for (const b of p.bands ?? []) {
      out.push(`<rect x="${f(x(b.from))}" y="${f(top)}" width="${f(Math.max(1, x(b.to) - x(b.from)))}" height="${PANEL_H}" fill="#f4c7c3" opacity="0.6"/>`);
    }
    if (p.bandLabel !== undefined && (p.bands?.length ?? 0) > 0) {
      out.push(`<text x="${WIDTH - RIGHT}" y="${f(top - 6)}" text-anchor="end" fill="#b3261e">${esc(p.bandLabel)}</text>`);
    }
    out.push(`<rect x="${LEFT}" y="${f(top)}" width="${plotW}" height="${PANEL_H}" fill="none" stroke="#999"/>`);
    for (const tick of p.yTicks) {
      out.push(`<text x="${LEFT - 4}" y="${f(y(tick) + 4)}" text-anchor="end" fill="#555">${tick}</text>`);
    }
    for (const g of p.guides ?? []) {
      out.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${f(y(g.y))}" y2="${f(y(g.y))}" stroke="#888" stroke-dasharray="4 3"/>`);
      out.push(`<text x="${WIDTH - RIGHT - 2}" y="${f(y(g.y) - 2)}" text-anchor="end" fill="#666" font-size="9">${esc(g.label)}</text>`);
    }
    // A null (e.g. drift during warm-up) breaks the line.
    let seg: string[] = [];
    const flush = () => {
      if (seg.length > 1) out.push(`<polyline fill="none" stroke="#1a73e8" stroke-width="1.3" points="${seg.join(" ")}"/>`);
      seg = [];
    };
    p.values.forEach((v, t) => {
      if (v === null) return flush();
      if (p.step === true && seg.length > 0) seg.push(`${f(x(t))},${seg[seg.length - 1]?.split(",")[1]}`);
      seg.push(`${f(x(t))},${f(y(v))}`);
    });
    flush();
    for (const t of p.marks ?? []) {
      const v = p.values[t];
      if (v !== null && v !== undefined) out.push(`<circle cx="${f(x(t))}" cy="${f(y(v))}" r="2.5" fill="#d93025"/>`);
    }
    // Turn axis.
    const step = turns > 500 ? 100 : 50;
    for (let t = 0; t < turns; t += step) {
      out.push(`<text x="${f(x(t))}" y="${f(top + PANEL_H + 12)}" text-anchor="middle" fill="#555">${t}</text>`);
    }
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}
