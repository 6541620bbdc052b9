// Data model of the Keel engine. Everything here is plain JSON-able data:
// numbers, booleans, strings, arrays, nested plain objects and null.
// Mode vectors are fixed 7-length arrays in canonical MODES order.

export type Mode =
  | "perception"
  | "exploration"
  | "order"
  | "assertion"
  | "connection"
  | "identity"
  | "stress_response";

export type StandardAction =
  | "explore"
  | "question"
  | "elaborate"
  | "suggest"
  | "execute"
  | "stabilize"
  | "clarify"
  | "defer"
  | "challenge"
  | "comfort"
  | "withdraw"
  | "pivot";

export type ForbiddenAction = "emotional_manipulation" | "identity_override";

export type Action = StandardAction | ForbiddenAction;

export type StressLevel = "LOW" | "MED" | "HIGH" | "OVER";

export type SystemState = "baseline" | "stress" | "growth";

export type DriftLevel = "D0_noise" | "D1_context" | "D2_adaptive" | "D3_corrupt";

export type RiskPosture = "seeking" | "averse" | "moderate" | "bounded";

export type EnergyPolicy = "conservative" | "balanced" | "aggressive";

export type StressTolerance = "fragile" | "normal" | "resilient";

export type DriftTolerance = "strict" | "normal" | "permissive";
/**
 * Which drift detector an agent uses: "anchor" is the seed's (EMA mode vector
 * against a refreshed anchor, fixed thresholds); "sequential" is calibrated on
 * the agent's own behaviour (docs/engine.md §12).
 */
export type DriftDetector = "anchor" | "sequential";

export type Tempo = "measured" | "decisive" | "exploratory" | "observant" | "deliberate";

/** Risk in the decision style: the profile postures plus "conservative", a stress-shifted step. */
export type RiskStyle = "seeking" | "moderate" | "bounded" | "conservative" | "averse";

export type Grade = "low" | "medium" | "high";

export type RecoveryPath = "rapid" | "oscillating" | "gradual";

export type BehavioralPattern =
  | "stable"
  | "sustained_stress"
  | "recurring_stress"
  | "active_drift"
  | "mode_locked"
  | "volatile"
  | "energy_depleted";

/** 7 numbers in canonical MODES order. */
export type ModeVector = number[];

export interface IdentityProfile {
  coreModes: Mode[];
  suppressedModes: Mode[];
  riskPosture: RiskPosture;
  energyPolicy: EnergyPolicy;
  stressTolerance: StressTolerance;
  driftTolerance: DriftTolerance;
  /** 7 numbers in [0, 1], canonical order. */
  initialModeStrengths: ModeVector;
  /** In [0, 1]. */
  initialEnergy: number;
  /** Absent (profiles stored before the choice existed) means "anchor". */
  driftDetector?: DriftDetector;
  /**
   * The lowest drift level at which the action set narrows as under stress and
   * the contract names drift as the reason; absent or null: drift only monitors.
   */
  driftRestrictsAt?: DriftLevel | null;
}

export interface Persona {
  id: string;
  name: string;
  /** The two modes the persona leads with. */
  dominantModes: Mode[];
  profile: IdentityProfile;
}

export interface Observation {
  mode: Mode;
  /** In [0, 1]. */
  signalStrength: number;
  /** In [0, 1]; scales the learning rate. */
  confidence: number;
}

export interface EngineConfig {
  /** Episodic memory (MemorySummary, memoryContext). Observation only. */
  memory: boolean;
  /** Memory → pipeline feedback (stress sensitivity, energy conservation, recovery learning). Needs memory. */
  memoryFeedback: boolean;
  /** Self-model (stress resilience, trait stability, energy efficiency). Observation only. */
  selfModel: boolean;
  /** Identity adapter (paths A and B, trait stability → D0). Needs selfModel. */
  identityAdapter: boolean;
  /** Post-stress recovery nudge on arbitration gains. */
  recoveryNudge: boolean;
  /** Emit the per-cycle CycleRecord in CycleResult. */
  cycleRecord: boolean;
}

export interface DriftResult {
  /** null during warm-up. */
  level: DriftLevel | null;
  /** RMS-normalised L2 distance to the anchor; null during warm-up. */
  magnitude: number | null;
  /** Modes whose own deviation from the anchor is at least 0.10 (canonical order). */
  affectedModes: Mode[];
  /** The effective D0 threshold used this cycle (after drift tolerance and trait stability). */
  d0Threshold: number;
}

export interface DriftEvent {
  cycle: number;
  level: DriftLevel;
  magnitude: number;
  affectedModes: Mode[];
  rolledBack: boolean;
}

/** A known-good identity state. Never contains another snapshot. */
export interface StableSnapshot {
  cycle: number;
  modeStrengths: ModeVector;
  anchor: ModeVector;
  energy: number;
  stabilityIndex: number;
}

/** The 14 episodic-memory signals exposed on the contract. */
export interface MemoryContext {
  stressSpikeCount: number;
  avgSpikeInterval: number | null;
  currentStressStreak: number;
  maxStressStreak: number;
  d1Recent: number;
  d2Recent: number;
  turnsSinceLastD2: number | null;
  energyTrend: number;
  energyMinObserved: number;
  dominantMode: Mode;
  dominantModeStreak: number;
  modeSwitchesRecent: number;
  behavioralPattern: BehavioralPattern;
  recoveriesCompleted: number;
}

export interface MemorySummary extends MemoryContext {
  /** Bookkeeping: cycle of the most recent spike, null before the first. */
  lastSpikeCycle: number | null;
  /** Bookkeeping: mode of the previous observation, null before the first. */
  lastInputMode: Mode | null;
  /** Bookkeeping: decayed count of changes of the remembered dominant mode (~20-cycle window). */
  dominantSwitchesRecent: number;
}

/** The 4 self-model signals exposed on the contract. */
export interface SelfModelContext {
  stressResilience: number;
  traitStability: number;
  energyEfficiency: number;
  completedEpisodes: number;
}

export interface SelfModel extends SelfModelContext {
  /** Bookkeeping: cycle the current stress episode began, null outside an episode. */
  episodeStartCycle: number | null;
  /** Bookkeeping: running sums of the current 50-cycle efficiency window. */
  windowActivity: number;
  windowSpent: number;
  windowCycles: number;
}

/** What the sequential detector knows of a behaviour: per behavioural mode (6), decayed counts and intensity moments. */
export interface BehaviourStats {
  /** Observations folded in (decayed once the memory is full). */
  n: number;
  count: number[];
  mean: number[];
  variance: number[];
}

/** The recent statistics and CUSUM before the current run of one mode (restored if the run was a burst). */
export interface PreRun {
  recentFreq: readonly number[];
  recentMean: readonly number[];
  cusum: number;
}

/** A forgiven burst on probation: its evidence, restored if its mode keeps returning. */
export interface BurstSuspect {
  mode: number;
  /** The run's intensity class: 0, any return of its mode counts; ±1, only returns of the same class count. */
  sign: number;
  freqDelta: readonly number[];
  meanDelta: number;
  /** Behavioural cycles since the burst ended, and how often its mode occurred in them. */
  age: number;
  hits: number;
  /** Occurrences that end the probation as a change. */
  needed: number;
}

/** State of the sequential drift detector (src/engine/sequentialDrift.ts). */
export interface DriftMonitor {
  reference: BehaviourStats;
  /** EWMA of each behavioural mode's indicator. */
  recentFreq: readonly number[];
  /** EWMA of each behavioural mode's intensity (updated when the mode occurs). */
  recentMean: readonly number[];
  /** Behavioural observations seen. */
  seen: number;
  cusum: number;
  /** Cycles the current alarm has been open; 0 when none is. */
  alarmAge: number;
  /** The behaviour learned since the alarm opened. */
  candidate: BehaviourStats | null;
  /** Consecutive cycles recent behaviour agreed with the candidate (adopt it) … */
  settled: number;
  /** … or with the old reference (the change reverted). */
  reverting: number;
  /** Fast and slow EWMAs of the divergence from the reference while an alarm is open (is it still rising?). */
  trendFast: number;
  trendSlow: number;
  /** Mode of the current run of surprising observations (−1: none), its length and its trailing ordinary observations. */
  runMode: number;
  runQuiet: number;
  /** Class of the current run's first unusual intensity (−1 below, +1 above, 0 none yet) and how many of its observations had it. */
  runClass: number;
  runUnusual: number;
  runLength: number;
  preRun: PreRun | null;
  suspect: BurstSuspect | null;
}

export interface EngineState {
  cycleCount: number;
  /** 7 mode strengths in [0, 1]. */
  modeStrengths: ModeVector;
  energy: number;
  stressLevel: StressLevel;
  systemState: SystemState;
  /** Consecutive calm cycles (level LOW/MED and calm input). Leaves STRESS at 5. */
  calmStreak: number;
  /** Consecutive cycles that ended in D2_adaptive. Enters GROWTH at 3. */
  adaptiveStreak: number;
  /** Consecutive cycles in GROWTH that ended below D2. Leaves GROWTH at 5. */
  settledStreak: number;
  /** Arbitration gains in [0, 1] per mode: stress suppression with inertia. */
  modeGains: ModeVector;
  /** Cycles left of the post-stress recovery nudge. */
  recoveryWindow: number;
  /** Drift anchor; null during warm-up. */
  anchor: ModeVector | null;
  /** Cycles counted towards the 20-cycle warm-up (capped at 20). */
  warmupProgress: number;
  drift: DriftResult;
  stabilityIndex: number;
  /** Cycle of lastStableSnapshot (null before the first), readable without loading the snapshot. */
  lastSnapshotCycle: number | null;
  /** The snapshot a D3 rollback restores. */
  lastStableSnapshot: StableSnapshot | null;
  memory: MemorySummary;
  selfModel: SelfModel;
  profile: IdentityProfile;
  /** The sequential detector's state; absent with the anchor detector. */
  driftMonitor?: DriftMonitor;
}

export interface DecisionStyle {
  tempo: Tempo;
  risk: RiskStyle;
  expressiveness: Grade;
  commitmentThreshold: Grade;
}

export interface RecoveryProfile {
  preferredPath: RecoveryPath;
  supportRequired: boolean;
  cooldownRequired: boolean;
}

/** Override constraints; every key is null unless OVER stress or a high identity anchor. */
export interface HardLocks {
  optionSetMax: number | null;
  noveltyRate: number | null;
  noiseFilterMin: number | null;
  execStrictnessMin: number | null;
  goalResistanceMin: number | null;
  pivotThresholdMin: number | null;
}

export interface ExecutionContract {
  /** Alphabetical. */
  allowedActions: Action[];
  /** Alphabetical; always exactly the two forbidden actions. */
  forbiddenActions: Action[];
  decisionStyle: DecisionStyle;
  currentStressLevel: StressLevel;
  currentSystemState: SystemState;
  energyLevel: number;
  stabilityIndex: number;
  /** Canonical mode order. */
  dominantModes: Mode[];
  /** Active modes dampened below the activation threshold by arbitration (canonical order). */
  suppressedModes: Mode[];
  recoveryProfile: RecoveryProfile;
  hardLocks: HardLocks;
  driftLevel: DriftLevel | null;
  driftMagnitude: number | null;
  /** Actions removed because drift reached the profile's driftRestrictsAt (empty when drift only monitors). */
  driftRestrictedActions: Action[];
  cycleCount: number;
  /** 7 arbitration weights summing to 1 (canonical order). */
  controlVector: number[];
  /** The two leading dominant non-stress modes when both are dominant, else empty (canonical order). */
  compositeModes: Mode[];
  memoryContext: MemoryContext | null;
  selfModelContext: SelfModelContext | null;
  /**
   * Why each action that is not allowed is not: one entry per action outside allowedActions
   * (the forbidden ones included), alphabetical, each naming at least one cause.
   */
  restrictions: ActionRestriction[];
}

/** What removed an action from the allowed set. */
export type RestrictionCause =
  | "always_forbidden"
  | "stress"
  | "energy"
  | "hard_lock"
  | "mode"
  | "drift"
  | "contract_scope"
  | "invariant"
  | "fail_closed"
  | "risk_posture";

/** One action outside the allowed set and why. Frozen values, shared between contracts. */
export interface ActionRestriction {
  action: Action;
  causes: readonly RestrictionCause[];
  /** Human-readable detail: the rule, level or mode behind the causes. */
  detail: string;
}

/** One cycle's raw input and derived signals; read by the memory layers. Immutable. */
export interface CycleRecord {
  cycle: number;
  mode: Mode;
  signalStrength: number;
  confidence: number;
  stressBefore: StressLevel;
  stressAfter: StressLevel;
  systemBefore: SystemState;
  systemAfter: SystemState;
  energyBefore: number;
  energyAfter: number;
  /** Gross energy cost of the cycle. */
  energySpent: number;
  driftLevel: DriftLevel | null;
  driftMagnitude: number | null;
  /** The new mode strengths (shared with the new state). */
  modeStrengths: ModeVector;
  /** Stress rose from LOW/MED into HIGH/OVER (in any system state, so re-escalation inside an episode counts). */
  spike: boolean;
  /** The system entered STRESS this cycle. */
  stressEntered: boolean;
  /** The system left STRESS this cycle. */
  stressExited: boolean;
  /** The observation was calm (see stress.ts). */
  calmInput: boolean;
  rolledBack: boolean;
}

export interface CycleResult {
  state: EngineState;
  drift: DriftResult;
  contract: ExecutionContract;
  /** Non-null when the cycle's drift level is D1 or above. */
  driftEvent: DriftEvent | null;
  /** A newly taken stable snapshot for the store to append. */
  snapshot: StableSnapshot | null;
  rolledBack: boolean;
  /** Non-null only when config.cycleRecord is on. */
  record: CycleRecord | null;
}
