// The report's memory: one JSON line per full `npm run bench:report` in bench/history.jsonl,
// committed, so docs/performance.md's charts show every figure across commits and a reader can
// recompute anything in it.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Summary } from "./stats.js";

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
  /** 1-minute load average before and after the runs: how busy the machine was. */
  readonly loadBefore: number;
  readonly loadAfter: number;
}

export interface RunRecord {
  readonly date: string;
  readonly commit: string;
  /** Uncommitted changes outside the report's own files were present. */
  readonly dirty: boolean;
  readonly machine: Machine;
  readonly runs: number;
  readonly note: string;
  readonly figures: Record<string, Summary>;
  /** An independent re-run of the same commit (`--check`): does each median fall in this run's range? */
  readonly recheck?: Recheck;
}

export interface Recheck {
  readonly date: string;
  readonly runs: number;
  readonly loadBefore: number;
  readonly figures: Record<string, Summary>;
}

export function readHistory(file: string): RunRecord[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as RunRecord);
}

export function appendHistory(file: string, record: RunRecord): void {
  appendFileSync(file, `${JSON.stringify(record)}\n`);
}

/** The re-run is kept on the record it checks: the last line is replaced, earlier lines never change. */
export function replaceLatest(file: string, history: readonly RunRecord[], latest: RunRecord): void {
  const lines = [...history.slice(0, -1), latest].map((r) => JSON.stringify(r));
  writeFileSync(file, `${lines.join("\n")}\n`);
}
