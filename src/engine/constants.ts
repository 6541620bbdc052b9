// Every tunable number of the engine, in one place. docs/engine.md gives the
// reason and calibration trace for each. Arrays indexed by stress level use
// the order LOW, MED, HIGH, OVER.

// ── Modes ────────────────────────────────────────────────────────────────
/** Base EMA learning rate α. With β it reproduces the tutorial's MED→HIGH by turn 2. */
export const BASE_LEARNING_RATE = 0.1;
/** β: STRESS_RESPONSE learns 4.5× faster (published). */
export const STRESS_LEARNING_MULTIPLIER = 4.5;
/** Experienced agents (≥ 2 spikes) damp the stress learning rate (feedback 1). */
export const EXPERIENCED_STRESS_LR_DAMPING = 0.8;
/** Non-stress modes learn more slowly under pressure ("MED lowers the learning rate"). */
export const LEVEL_LEARNING_FACTOR = [1, 0.75, 0.5, 0.5] as const;
/** A mode is active (contributes actions, costs energy) at or above this strength. */
export const ACTIVATION_THRESHOLD = 0.2;
/** A mode is dominant at or above this arbitrated strength. */
export const DOMINANCE_THRESHOLD = 0.4;

// ── Energy ───────────────────────────────────────────────────────────────
/** Cost per active mode per cycle (published, v2). */
export const ENERGY_COST_PER_ACTIVE_MODE = 0.02;
/** Extra cost per cycle while the system is in STRESS. */
export const STRESS_ENERGY_OVERHEAD = 0.05;
/** Recovery per cycle by system state. */
export const RECOVERY_BASELINE = 0.2;
export const RECOVERY_GROWTH = 0.1;
export const RECOVERY_STRESS = 0.06;
/** Floor outside HIGH/OVER (published, v3). */
export const ENERGY_FLOOR = 0.2;
/** Energy below this is "critical" (depleted pattern, support/cooldown). */
export const ENERGY_CRITICAL = 0.2;
/** Energy conservation feedback triggers once energy has been seen below this. */
export const CONSERVATION_TRIGGER = 0.1;
/** Raised floor outside HIGH/OVER for agents that nearly depleted. */
export const CONSERVATION_FLOOR = 0.3;
/** v4 partial floor in STRESS (even at HIGH/OVER) for agents that nearly depleted. */
export const STRESS_PARTIAL_FLOOR = 0.1;
/** energy_policy multiplies the active-mode cost. */
export const POLICY_COST_CONSERVATIVE = 0.75;
export const POLICY_COST_BALANCED = 1;
export const POLICY_COST_AGGRESSIVE = 1.5;

// ── Stress ───────────────────────────────────────────────────────────────
export const THRESHOLD_MED = 0.3;
export const THRESHOLD_HIGH = 0.55;
export const THRESHOLD_OVER = 0.9;
/** stress_tolerance shifts of the HIGH and OVER thresholds. */
export const FRAGILE_HIGH_SHIFT = -0.05;
export const FRAGILE_OVER_SHIFT = -0.05;
export const RESILIENT_HIGH_SHIFT = 0.05;
export const RESILIENT_OVER_SHIFT = 0.03;
/** Stress-sensitivity feedback: experienced agents detect HIGH/OVER earlier. */
export const EXPERIENCED_HIGH_SHIFT = -0.05;
export const EXPERIENCED_OVER_SHIFT = -0.03;
/** Spikes after which an agent counts as experienced. */
export const EXPERIENCED_SPIKES = 2;
/** Bleed of the stress mode per cycle by the level entering the cycle. */
export const BLEED_LOW_CALM = 0.005;
export const BLEED_MED = 0.02;
export const BLEED_HIGH_CALM = 0.01;
export const BLEED_OVER_CALM = 0.03;
/** A stress_response observation weaker than this counts as calm input. */
export const CALM_SIGNAL_MAX = 0.3;
/** Hysteresis: consecutive calm cycles needed to leave STRESS. */
export const CALM_CYCLES_TO_EXIT = 5;
/** Consecutive D2 cycles (at LOW stress) that enter GROWTH. */
export const ADAPTIVE_CYCLES_TO_GROW = 3;
/** Consecutive below-D2 cycles that leave GROWTH. */
export const SETTLED_CYCLES_TO_EXIT_GROWTH = 5;

// ── Arbitration ──────────────────────────────────────────────────────────
/** Target gain of an ordinary mode by stress level. */
export const LEVEL_GAIN = [1, 0.85, 0.6, 0.4] as const;
/** Target gain of a profile-suppressed mode by stress level (no effect at LOW). */
export const SUPPRESSED_LEVEL_GAIN = [1, 0.5, 0.3, 0.2] as const;
/** Gains rise back towards their target by this much per cycle once out of STRESS. */
export const GAIN_RELEASE_RATE = 0.02;
/** Release rate during the post-stress recovery nudge. */
export const NUDGE_RELEASE_RATE = 0.1;
/** Length of the recovery nudge window after leaving STRESS. */
export const RECOVERY_NUDGE_CYCLES = 10;
/** Control-vector weight of core and profile-suppressed modes. */
export const CORE_CONTROL_WEIGHT = 1.5;
export const SUPPRESSED_CONTROL_WEIGHT = 0.5;

// ── Drift ────────────────────────────────────────────────────────────────
export const WARMUP_CYCLES = 20;
export const DRIFT_D0 = 0.08;
export const DRIFT_D1 = 0.24;
export const DRIFT_D2 = 0.4;
/** Below D0 the anchor moves this fraction of the way to the current modes (~100-cycle memory). */
export const ANCHOR_REFRESH_RATE = 0.01;
/** A mode is "affected" when its own deviation from the anchor reaches this. */
export const AFFECTED_MODE_DELTA = 0.1;
/** drift_tolerance multiplies D0. */
export const D0_FACTOR_STRICT = 0.75;
export const D0_FACTOR_PERMISSIVE = 1.5;
/** Trait stability 1.0 lowers D0 by this fraction (linear from 0.5). */
export const TRAIT_D0_MAX_REDUCTION = 0.25;

/** Sequential detector (sequentialDrift.ts). Tuned on the training agents of the randomized drift set only. */
export const SEQUENTIAL = Object.freeze({
  /** Behavioural observations that calibrate the reference before any alarm. */
  CALIBRATION: 80,
  /** Memory of the reference (observations) while it keeps learning in quiet times. */
  REF_MEMORY: 400,
  /** Memory of the candidate reference learned during an alarm. */
  CANDIDATE_MEMORY: 60,
  /** EWMA rate of the recent statistics. */
  RECENT_RATE: 0.1,
  /** Dirichlet pseudo-count per mode for frequencies. */
  FREQ_PRIOR: 0.5,
  /** Floor of p(1 − p) for a mode's frequency term. */
  FREQ_VAR_FLOOR: 0.02,
  /** Prior intensity variance and its weight in observations. */
  VAR_PRIOR: 0.01,
  VAR_PRIOR_WEIGHT: 3,
  /** A mode's intensity is compared only when it occurs at least this often. */
  INTENSITY_MIN_FREQ: 0.05,
  /** CUSUM allowance k (mean divergence is ≈ 1 with no change) and threshold h. */
  DRIFT_ALLOWANCE: 1.5,
  THRESHOLD: 20,
  STRICT_FACTOR: 0.6,
  PERMISSIVE_FACTOR: 1.6,
  /** Runs of one mode: held as a possible burst from RUN_MIN cycles when p^L < e^LOG_RUN_IMPROBABLE, up to BURST_MAX. */
  RUN_MIN: 3,
  /** A mode rarer than this is surprising in itself; a run ends after QUIET_END ordinary observations of its mode. */
  RARE_FREQ: 0.3,
  QUIET_END: 3,
  LOG_RUN_IMPROBABLE: Math.log(0.01),
  BURST_MAX: 20,
  /** A forgiven burst stays on probation this long; its mode must not return with a tail probability below SUSPECT_ALPHA. */
  SUSPECT_WINDOW: 15,
  SUSPECT_ALPHA: 0.05,
  /** An intensity is unusual beyond this many standard deviations from the mode's reference mean, which the reference allows this often. */
  INTENSITY_Z: 2,
  INTENSITY_TAIL: 0.05,
  /** An alarm stays open at least this long before a new reference can be adopted. */
  ALARM_MIN: 30,
  /** An alarm reverts when the divergence from the old reference stays below this (the no-change mean is ≈ 1). */
  REVERT_LEVEL: 1,
  /** The divergence is still rising while its fast EWMA exceeds the slow one by this ratio. */
  TREND_FAST: 0.1,
  TREND_SLOW: 0.03,
  RISE_RATIO: 1.2,
  /** Consecutive agreeing cycles that close an alarm. */
  SETTLE_CYCLES: 25,
  /** A mode is "affected" when its recent frequency moved this far from the reference. */
  AFFECTED_FREQ_DELTA: 0.1,
});

// ── Stability ────────────────────────────────────────────────────────────
export const STABILITY_RATE = 0.05;
/** Per-level consistency factor of the stability sample. */
export const LEVEL_STABILITY_FACTOR = [1, 0.85, 0.6, 0.3] as const;

// ── Snapshots ────────────────────────────────────────────────────────────
/** Minimum cycles between two stable snapshots. */
export const SNAPSHOT_INTERVAL = 25;

// ── Memory ───────────────────────────────────────────────────────────────
export const SPIKE_INTERVAL_RATE = 0.3;
/** Per-cycle decay of the D1/D2 counters (~100-cycle window). */
export const DRIFT_COUNTER_DECAY = 0.99;
export const ENERGY_TREND_RATE = 0.05;
/** Per-cycle decay of the mode-switch counters (~20-cycle window). */
export const MODE_SWITCH_DECAY = 0.95;
/** Another mode must lead the remembered dominant mode by this much to replace it. */
export const DOMINANT_SWITCH_MARGIN = 0.05;
export const SUSTAINED_STRESS_STREAK = 10;
export const RECURRING_STRESS_SPIKES = 3;
export const RECURRING_STRESS_MAX_INTERVAL = 60;
export const RECURRING_STRESS_WINDOW = 100;
/** Volatile: drifting while the remembered dominant mode changed this often in ~20 cycles. */
export const VOLATILE_DOMINANT_SWITCHES = 2;
export const ACTIVE_DRIFT_RECENT = 5;
export const MODE_LOCKED_STREAK = 50;
export const MODE_LOCKED_MAX_SWITCHES = 2;

// ── Self-model and adapter ───────────────────────────────────────────────
export const RESILIENCE_PRIOR = 0.5;
export const RESILIENCE_HALF_LIFE = 50;
export const RESILIENCE_KEEP = 0.7;
export const TRAIT_STABILITY_PRIOR = 0.5;
export const TRAIT_STABILITY_RATE = 0.05;
/** Drift magnitude × scale is the per-cycle instability (0.4 → fully unstable). */
export const TRAIT_STABILITY_SCALE = 2.5;
export const EFFICIENCY_PRIOR = 0.5;
export const EFFICIENCY_WINDOW = 50;
/** Weight of one unit of spent energy against one unit of input activity. */
export const EFFICIENCY_SPEND_WEIGHT = 5;
export const ADAPTER_RESILIENCE_THRESHOLD = 0.45;
export const ADAPTER_MIN_EPISODES = 1;

// ── Hard locks ───────────────────────────────────────────────────────────
/** Identity strength at which the identity anchor locks goals and pivots. */
export const IDENTITY_ANCHOR_THRESHOLD = 0.8;
