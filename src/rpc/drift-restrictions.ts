// The contract's restrictions caused by drift: when the profile asks drift to act
// (drift_restricts_at), the risky actions it removed, each naming drift as the reason.
import { create } from "@bufbuild/protobuf";
import type { ExecutionContract } from "../engine/index.js";
import { ActionRestrictionSchema, RestrictionCause, type ActionRestriction } from "../../gen/keel/v1/contract_pb.js";
import { actions } from "./enums.js";

export function driftRestrictions(c: Pick<ExecutionContract, "driftRestrictedActions" | "driftLevel">): ActionRestriction[] {
  if (c.driftRestrictedActions.length === 0) return [];
  const detail = `drift ${c.driftLevel} at or above the profile's drift_restricts_at`;
  return c.driftRestrictedActions.map((a) => create(ActionRestrictionSchema, { action: actions.toWire(a), causes: [RestrictionCause.DRIFT], detail }));
}
