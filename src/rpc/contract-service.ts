// ContractService handlers: validate at the edge, call the contract registry, map to the wire. The
// tenant comes from the call's principal (set by the auth gate), never from the request.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import { tenantOf } from "../auth/principal.js";
import { InvalidContractError } from "../contracts/errors.js";
import { normalizeContract } from "../contracts/normalize.js";
import type { Verification } from "../contracts/seal.js";
import type { ContractRegistry } from "../service/contract-registry.js";
import type { AgentService } from "../service/agent-service.js";
import {
  DiffContractsResponseSchema,
  GenerateContractResponseSchema,
  GetActiveContractResponseSchema,
  GetContractVersionResponseSchema,
  ListContractHistoryResponseSchema,
  ListSigningKeysResponseSchema,
  PromoteContractResponseSchema,
  PutContractResponseSchema,
  VerifyContractResponseSchema,
  type ContractService,
  type VerifyContractResponse,
} from "../../gen/keel/v1/contract_service_pb.js";
import { contractFromWire, contractToWire, fieldChangeToWire, sealStatuses } from "./contract-mapping.js";
import { invalidArgument, toConnectError } from "./errors.js";
import { contractModeFromWire, shadowReportToWire } from "./shadow-mapping.js";
import { BadRequestSchema } from "../../gen/google/rpc/error_details_pb.js";
import * as v from "./validate.js";

/** `agents` commits promotions (they are links of the agent's audit chain). */
export function contractService(registry: ContractRegistry, agents: Pick<AgentService, "promote">): ServiceImpl<typeof ContractService> {
  return {
    putContract: handled(async (req, ctx) => {
      if (!req.contract) throw invalidArgument("contract", "is required");
      const mode = contractModeFromWire(req.mode);
      if (mode === null) throw invalidArgument("mode", `${req.mode} is not a ContractMode - use CONTRACT_MODE_ENFORCE or CONTRACT_MODE_SHADOW`);
      const { contract, problems } = contractFromWire(req.contract);
      const stored = await registry.put(tenantOf(ctx), contract, problems, req.seal, mode);
      return create(PutContractResponseSchema, { contract: contractToWire(stored) });
    }),

    getActiveContract: handled(async (req, ctx) => {
      const id = v.instanceId("agent_id", req.agentId);
      const { enforced, shadow } = await registry.rolloutOf(tenantOf(ctx), id);
      if (!enforced && !shadow) await registry.active(tenantOf(ctx), id); // NOT_FOUND: no contract at all
      return create(GetActiveContractResponseSchema, {
        contract: enforced ? contractToWire(enforced) : undefined,
        shadow: shadow ? contractToWire(shadow) : undefined,
      });
    }),

    promoteContract: handled(async (req, ctx) => {
      const id = v.instanceId("agent_id", req.agentId);
      const { contract, promotion, revision } = await agents.promote(tenantOf(ctx), id, req.version);
      return create(PromoteContractResponseSchema, {
        contract: contractToWire(contract),
        previousVersion: promotion.previous,
        revision: BigInt(revision),
        auditHash: promotion.hash,
      });
    }),

    getShadowReport: handled(async (req, ctx) => {
      const id = v.instanceId("agent_id", req.agentId);
      const { shadow, enforcedVersion, counts } = await registry.shadowReport(tenantOf(ctx), id);
      return shadowReportToWire(shadow, enforcedVersion, counts);
    }),

    getContractVersion: handled(async (req, ctx) => {
      const id = v.instanceId("agent_id", req.agentId);
      const version = positive("version", req.version);
      const contract = await registry.version(tenantOf(ctx), id, version);
      return create(GetContractVersionResponseSchema, { contract: contractToWire(contract) });
    }),

    listContractHistory: handled(async (req, ctx) => {
      const id = v.instanceId("agent_id", req.agentId);
      const pageSize = v.pageSize("page_size", req.pageSize, { fallback: 20, max: 100 });
      const page = await registry.history(tenantOf(ctx), id, { pageSize, pageToken: req.pageToken });
      return create(ListContractHistoryResponseSchema, {
        contracts: page.items.map(contractToWire),
        nextPageToken: page.nextPageToken,
      });
    }),

    diffContracts: handled(async (req, ctx) => {
      const id = v.instanceId("agent_id", req.agentId);
      const from = positive("from_version", req.fromVersion);
      const to = positive("to_version", req.toVersion);
      const changes = await registry.diff(tenantOf(ctx), id, from, to);
      return create(DiffContractsResponseSchema, { changes: changes.map(fieldChangeToWire) });
    }),

    verifyContract: handled(async (req, ctx) => {
      if (req.contract) {
        const { contract, problems } = contractFromWire(req.contract);
        if (contract.createdAtMs === null) problems.push("created_at is required to verify a contract");
        if (problems.length > 0) throw new InvalidContractError(problems.map((p) => `contract.${p}`));
        return verificationToWire(registry.verify(normalizeContract({ ...contract, createdAtMs: contract.createdAtMs as number })));
      }
      const id = v.instanceId("agent_id", req.agentId);
      return verificationToWire(await registry.verifyStored(tenantOf(ctx), id, req.version));
    }),

    generateContract: handled(async (req, ctx) => {
      const id = v.instanceId("agent_id", req.agentId);
      if (req.seal && !req.store) throw invalidArgument("seal", "requires store - only stored contracts are sealed by the server");
      const { contract, prior } = await registry.generate(tenantOf(ctx), {
        agentId: id,
        archetype: req.archetype,
        certificateId: v.text("certificate_id", req.certificateId, { min: 0, max: 128 }),
        store: req.store,
        seal: req.seal,
      });
      return create(GenerateContractResponseSchema, {
        contract: contractToWire(contract),
        priorFound: prior !== null,
        prior: prior ?? "",
      });
    }),

    listSigningKeys: handled(async () => create(ListSigningKeysResponseSchema, { keys: registry.publishedKeys() })),
  };
}

/** Contract validation failures become INVALID_ARGUMENT with every problem on its own line. */
function handled<Req, Res>(
  handler: (req: Req, ctx: HandlerContext) => Promise<Res>,
): (req: Req, ctx: HandlerContext) => Promise<Res> {
  return async (req, ctx) => {
    try {
      return await handler(req, ctx);
    } catch (err) {
      if (err instanceof InvalidContractError) throw invalidContract(err);
      throw toConnectError(err);
    }
  };
}

/** Each problem starts with the contract field it is about ("version must be ..."): one violation each. */
function invalidContract(err: InvalidContractError): ConnectError {
  const fieldViolations = err.problems.map((problem) => {
    const space = problem.indexOf(" ");
    const field = space > 0 ? problem.slice(0, space) : "";
    return { field: `contract.${field.replace(/\[.*$/, "")}`, description: problem };
  });
  return new ConnectError(err.message, Code.InvalidArgument, undefined, [{ desc: BadRequestSchema, value: { fieldViolations } }]);
}

function positive(field: string, value: number): number {
  if (value === 0) throw invalidArgument(field, "is required");
  return value;
}

function verificationToWire(r: Verification): VerifyContractResponse {
  return create(VerifyContractResponseSchema, {
    valid: r.valid,
    status: sealStatuses[r.status],
    signer: r.signer,
    problems: r.problems,
  });
}
