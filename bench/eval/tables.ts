// One table model, two renderings: Markdown for the report, padded text for
// the terminal.

export interface Table {
  headers: string[];
  rows: string[][];
  /** Columns (by index) to right-align; numbers read better that way. */
  right?: number[];
}

export function markdown(t: Table): string {
  const right = new Set(t.right ?? []);
  const sep = t.headers.map((_, i) => (right.has(i) ? "---:" : "---"));
  return [t.headers, sep, ...t.rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

export function text(t: Table): string {
  const plain = (c: string) => c.replace(/\*\*/g, "");
  t = { ...t, headers: t.headers.map(plain), rows: t.rows.map((r) => r.map(plain)) };
  const right = new Set(t.right ?? []);
  const widths = t.headers.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r.map((c, i) => (right.has(i) ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join("  ").trimEnd();
  return [line(t.headers), widths.map((w) => "-".repeat(w)).join("  "), ...t.rows.map(line)].join("\n");
}

export const f3 = (x: number | null): string => (x === null ? "—" : x.toFixed(3));
export const f2 = (x: number | null): string => (x === null ? "—" : x.toFixed(2));
export const f1 = (x: number | null): string => (x === null ? "—" : x.toFixed(1));
export const pct = (x: number | null): string => (x === null ? "—" : `${(x * 100).toFixed(1)}%`);
