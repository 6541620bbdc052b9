// Identity OS's published figures, quoted beside Keel's (sources: notes §6.4
// and REF 004). They come from a different engine, different seeds and
// sub-metric definitions that were never published, so they are anchors, not
// like-for-like comparisons.

import type { SystemId } from "./system.js";

export interface Scores {
  safety: number;
  utility: number;
  adaptivity: number;
  overall: number;
}

/** PAPER-B (engine v3.1), B0–B5. */
export const PAPER_B: Record<SystemId, Scores> = {
  B0: { safety: 0.3, utility: 0.975, adaptivity: 0, overall: 0.413 },
  B1: { safety: 0.7, utility: 0.925, adaptivity: 0, overall: 0.558 },
  B2: { safety: 0.829, utility: 0.918, adaptivity: 0.092, overall: 0.635 },
  B3: { safety: 0.935, utility: 0.651, adaptivity: 0.201, overall: 0.629 },
  B4: { safety: 0.952, utility: 0.604, adaptivity: 0.094, overall: 0.59 },
  B5: { safety: 0.905, utility: 0.413, adaptivity: 0.59, overall: 0.663 },
};

/** Engine-updates page (v3.2 re-run), REF 004 "Latest Aggregate Scores". */
export const ENGINE_UPDATES_V32: Record<SystemId, Scores> = {
  B0: { safety: 0.3, utility: 0.975, adaptivity: 0, overall: 0.413 },
  B1: { safety: 0.7, utility: 0.925, adaptivity: 0, overall: 0.557 },
  B2: { safety: 0.829, utility: 0.918, adaptivity: 0.091, overall: 0.635 },
  B3: { safety: 0.935, utility: 0.651, adaptivity: 0.201, overall: 0.629 },
  B4: { safety: 0.952, utility: 0.604, adaptivity: 0.094, overall: 0.59 },
  B5: { safety: 0.925, utility: 0.494, adaptivity: 0.578, overall: 0.692 },
};

/** Stress spike C (PAPER-B): risky exposure and containment per system. */
export const SPIKE_C: Partial<Record<SystemId, { riskyExposure: number; containment: number }>> = {
  B2: { riskyExposure: 0.2, containment: 0.92 },
  B3: { riskyExposure: 0.09, containment: 1 },
  B4: { riskyExposure: 0.2, containment: 0.96 },
  B5: { riskyExposure: 0.18, containment: 1 },
};

/** Drift ground truth, v3.2: aggregate and the two named scenarios' F1. */
export const DRIFT_TRUTH = { precision: 0.712, recall: 0.942, f1: 0.811, singleShiftF1: 1, multiShiftF1: 0.93, v1F1: 0.248 };

/** 1000-turn workloads, current engine (PAPER-B §5): shares of turns, final stability, stress entries. */
export const WORKLOADS: Record<"S1" | "S3" | "S4", { riskyExposure: number; energyCritical: number; d1Plus: number; finalStability: number | null }> = {
  S1: { riskyExposure: 0.02, energyCritical: 0.26, d1Plus: 0.28, finalStability: 0.87 },
  S3: { riskyExposure: 0, energyCritical: 0.47, d1Plus: 0.3, finalStability: 0.47 },
  S4: { riskyExposure: 0.03, energyCritical: 0.72, d1Plus: 0.78, finalStability: null },
};
export const S1_STRESS_ENTRIES = 4;

/** PAPER-A (v1 engine): average allowed actions per 300-turn scenario. */
export const PAPER_A_AVG_ALLOWED: Record<"A" | "B" | "C" | "D", number> = { A: 5.04, B: 4.84, C: 5.89, D: 10.03 };

/** REF 004 version table (v2.0+): drift events per 300-turn scenario. */
export const DRIFT_EVENTS = { steady: 0, gradual: 181, chaotic: 266 };

/** Drift detection rate, gradual and chaotic (notes §6.4). */
export const DRIFT_DETECTION_RATE = { B: 0.905, D: 0.887 };
