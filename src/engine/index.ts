// Public API of the Keel engine: a pure, deterministic fold
//   process(state, observation, config) → { state, drift, contract, … }.

export type * from "./types.js";
export type { MemoryLayer } from "./record.js";

export { ACTIONS, DRIFT_LEVELS, FORBIDDEN_ACTIONS, MODES, STANDARD_ACTIONS, STRESS_LEVELS, SYSTEM_STATES } from "./vocabulary.js";
export { MODE_ACTIONS, RISKY_ACTIONS, SAFE_ACTIONS } from "./actions.js";
export { DEFAULT_CONFIG, defaultConfig } from "./config.js";
export { PERSONAS, defaultProfile, personaById } from "./profiles.js";
export { initialState, restoreSnapshot } from "./state.js";
export { process } from "./process.js";
export { contractOf } from "./contract.js";
export { withCauses } from "./restrictions.js";
export { episodicMemoryLayer } from "./memory.js";
export { selfModelLayer } from "./selfModel.js";
