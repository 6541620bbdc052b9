// Trust moves by what each cycle shows and always stays within the contract's floor and ceiling.

export const TRUST_STEP = {
  /** A cycle with no violation. */
  clean: 0.005,
  /** Each violation that begins on this cycle. */
  onset: 0.05,
  /** A cycle on which any violation holds. */
  ongoing: 0.01,
} as const;

export function nextTrust(trust: number, started: number, holding: number, floor: number, ceiling: number): number {
  const delta = holding === 0 ? TRUST_STEP.clean : -TRUST_STEP.onset * started - TRUST_STEP.ongoing;
  return clampTrust(trust + delta, floor, ceiling);
}

export function clampTrust(trust: number, floor: number, ceiling: number): number {
  // Rounded so repeated small steps stay exact across restarts and platforms.
  return Math.min(ceiling, Math.max(floor, Math.round(trust * 1e9) / 1e9));
}
