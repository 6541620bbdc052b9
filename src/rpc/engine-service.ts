// EngineService handlers: validate, run through the agent service, map outcomes to the wire. The
// tenant comes from the call's principal (set by the auth gate), never from the request.
import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { tenantOf } from "../auth/principal.js";
import type { AgentService } from "../service/agent-service.js";
import type { Page, PageRequest } from "../store/types.js";
import {
  GetContractResponseSchema,
  GetStateResponseSchema,
  ListDriftEventsResponseSchema,
  ListHistoryResponseSchema,
  ListSnapshotsResponseSchema,
  ProcessBatchResponseSchema,
  ProcessResponseSchema,
  ResetResponseSchema,
  ResetTarget,
  VerifyHistoryResponseSchema,
  type EngineService,
} from "../../gen/keel/v1/engine_service_pb.js";
import {
  contractToWire,
  driftEventToWire,
  historyEntryToWire,
  outcomeToWire,
  snapshotToWire,
  stateToWire,
} from "./engine-mapping.js";
import { invalidArgument } from "./errors.js";
import { AbortFanout } from "./abort-fanout.js";
import { callTraceOf } from "./call-trace.js";
import { observationContent, observationFromWire } from "./observation-mapping.js";
import { writeRequest } from "./write-request.js";
import { MAX_BATCH } from "../protocol-limits.js";
import { runSession, SessionRegistry } from "./session.js";
import * as v from "./validate.js";

export function engineService(
  agents: AgentService,
  sessions: SessionRegistry,
  drain: AbortSignal,
  sessionOpenTimeoutMs?: number,
): ServiceImpl<typeof EngineService> {
  const sessionDrain = new AbortFanout(drain);
  return {
    async process(req, ctx) {
      const id = v.instanceId("instance_id", req.instanceId);
      const obs = observationFromWire("observation", req.observation, Date.now());
      const request = writeRequest("Process", req.requestId, () => `${id}|${observationContent(obs, req.observation)}`);
      const [outcome] = await agents.process(tenantOf(ctx), id, [obs], request, callTraceOf(ctx));
      return create(ProcessResponseSchema, { outcome: outcomeToWire(id, outcome!) });
    },

    async processBatch(req, ctx) {
      const id = v.instanceId("instance_id", req.instanceId);
      const n = req.observations.length;
      if (n === 0 || n > MAX_BATCH) throw invalidArgument("observations", `must hold 1 to ${MAX_BATCH} observations (got ${n})`);
      const now = Date.now();
      const obs = req.observations.map((o, i) => observationFromWire(`observations[${i}]`, o, now));
      const request = writeRequest(
        "ProcessBatch",
        req.requestId,
        () => `${id}|${req.includeIntermediate}|${obs.map((o, i) => observationContent(o, req.observations[i])).join("|")}`,
      );
      const outcomes = await agents.process(tenantOf(ctx), id, obs, request, callTraceOf(ctx));
      const shown = req.includeIntermediate ? outcomes : outcomes.slice(-1);
      return create(ProcessBatchResponseSchema, {
        outcomes: shown.map((o) => outcomeToWire(id, o)),
        processedCount: outcomes.length,
      });
    },

    session(requests, ctx: HandlerContext) {
      return runSession(agents, sessions, requests, ctx, sessionDrain, sessionOpenTimeoutMs);
    },

    async getState(req, ctx) {
      const id = v.instanceId("instance_id", req.instanceId);
      const stored = await agents.getState(tenantOf(ctx), id);
      return create(GetStateResponseSchema, { state: stateToWire(stored.state), revision: BigInt(stored.revision) });
    },

    async getContract(req, ctx) {
      const id = v.instanceId("instance_id", req.instanceId);
      return create(GetContractResponseSchema, { contract: contractToWire(id, await agents.getContract(tenantOf(ctx), id)) });
    },

    async reset(req, ctx) {
      const id = v.instanceId("instance_id", req.instanceId);
      const target = v.enumValue("target", req.target, "ResetTarget", (t) =>
        t === ResetTarget.INITIAL ? "initial" : t === ResetTarget.LAST_SNAPSHOT ? "last_snapshot" : undefined,
      );
      const request = writeRequest("Reset", req.requestId, () => `${id}|${target}`);
      const { contract, revision } = await agents.reset(tenantOf(ctx), id, target, request, callTraceOf(ctx));
      return create(ResetResponseSchema, { contract: contractToWire(id, contract), revision: BigInt(revision) });
    },

    async listHistory(req, ctx) {
      const page = await listPage(req, ctx, { fallback: 100, max: 1000 }, (t, id, p) => agents.listHistory(t, id, p), historyEntryToWire);
      return create(ListHistoryResponseSchema, { entries: page.items, nextPageToken: page.nextPageToken });
    },

    async listDriftEvents(req, ctx) {
      const page = await listPage(req, ctx, { fallback: 100, max: 1000 }, (t, id, p) => agents.listDriftEvents(t, id, p), driftEventToWire);
      return create(ListDriftEventsResponseSchema, { events: page.items, nextPageToken: page.nextPageToken });
    },

    async verifyHistory(req, ctx) {
      const id = v.instanceId("instance_id", req.instanceId);
      const r = await agents.verifyHistory(tenantOf(ctx), id);
      const d = r.difference;
      return create(VerifyHistoryResponseSchema, {
        verified: d === null,
        revision: BigInt(r.revision),
        commitsVerified: BigInt(r.commits),
        cyclesVerified: BigInt(r.cycles),
        resetsVerified: BigInt(r.resets),
        headHash: r.head,
        difference: d
          ? {
              revision: BigInt(d.revision),
              seq: d.seq ?? undefined,
              cycle: d.cycle === null ? undefined : BigInt(d.cycle),
              field: d.field,
              expected: d.expected,
              found: d.found,
              message: d.message,
            }
          : undefined,
        engineVersionHash: r.engineVersion,
        recordedEngineVersionHashes: r.engineVersions,
      });
    },

    async listSnapshots(req, ctx) {
      const page = await listPage(req, ctx, { fallback: 20, max: 100 }, (t, id, p) => agents.listSnapshots(t, id, p), snapshotToWire);
      return create(ListSnapshotsResponseSchema, { snapshots: page.items, nextPageToken: page.nextPageToken });
    },
  };
}

/** One agent's records a page at a time: validates the id and page size, lists, maps to the wire. */
async function listPage<T, W>(
  req: { instanceId: string; pageSize: number; pageToken: string },
  ctx: HandlerContext,
  size: { fallback: number; max: number },
  list: (tenant: string, instanceId: string, page: PageRequest) => Promise<Page<T>>,
  toWire: (item: T) => W,
): Promise<Page<W>> {
  const id = v.instanceId("instance_id", req.instanceId);
  const pageSize = v.pageSize("page_size", req.pageSize, size);
  const page = await list(tenantOf(ctx), id, { pageSize, pageToken: req.pageToken });
  return { items: page.items.map(toWire), nextPageToken: page.nextPageToken };
}
