// Shadow mode on the wire: the shadow section of an ExecutionContract, the put mode, and the
// would-block report (GetShadowReport).
import { create } from "@bufbuild/protobuf";
import type { BehavioralContract } from "../contracts/model.js";
import type { ContractMode } from "../contracts/rollout.js";
import type { ShadowCounts, ShadowSection } from "../contracts/shadow.js";
import type { Action } from "../engine/index.js";
import { ShadowEnforcementSchema, type ShadowEnforcement } from "../../gen/keel/v1/contract_pb.js";
import {
  ContractMode as WireContractMode,
  GetShadowReportResponseSchema,
  type GetShadowReportResponse,
} from "../../gen/keel/v1/contract_service_pb.js";
import { contractToWire, enforcementToWire } from "./contract-mapping.js";
import { actions, restrictionCauses } from "./enums.js";

export function shadowToWire(s: ShadowSection): ShadowEnforcement {
  return create(ShadowEnforcementSchema, {
    enforcement: s.enforcement ? enforcementToWire(s.enforcement) : undefined,
    contractVersionHash: s.contractVersionHash,
    allowedActions: s.allowedActions.map((a) => actions.toWire(a)),
    wouldBlock: s.wouldBlock.map((r) => ({
      action: actions.toWire(r.action),
      causes: r.causes.map((c) => restrictionCauses.toWire(c)),
      detail: r.detail,
    })),
    wouldBlockRules: s.wouldBlockRules,
    error: s.error,
  });
}

/** UNSPECIFIED means ENFORCE, so a client that never heard of shadow mode keeps today's behaviour. */
export function contractModeFromWire(mode: WireContractMode): ContractMode | null {
  switch (mode) {
    case WireContractMode.UNSPECIFIED:
    case WireContractMode.ENFORCE:
      return "enforce";
    case WireContractMode.SHADOW:
      return "shadow";
    default:
      return null;
  }
}

export function shadowReportToWire(shadow: BehavioralContract, enforcedVersion: number, counts: ShadowCounts): GetShadowReportResponse {
  return create(GetShadowReportResponseSchema, {
    contract: contractToWire(shadow),
    enforcedVersion,
    cycles: BigInt(counts.cycles),
    firstCycle: BigInt(counts.firstCycle),
    wouldBlockCycles: BigInt(counts.wouldBlockCycles),
    errorCycles: BigInt(counts.errorCycles),
    rules: Object.keys(counts.rules)
      .sort()
      .map((rule) => ({ rule, violatedCycles: BigInt(counts.rules[rule]!.violated), wouldBlockCycles: BigInt(counts.rules[rule]!.wouldBlock) })),
    actions: Object.keys(counts.actions)
      .sort()
      .map((a) => ({ action: actions.toWire(a as Action), wouldBlockCycles: BigInt(counts.actions[a]!) })),
  });
}
