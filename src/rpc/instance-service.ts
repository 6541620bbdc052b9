// InstanceService handlers: validate, call the agent service, map to the wire. The tenant comes
// from the call's principal (set by the auth gate), never from the request.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { tenantOf } from "../auth/principal.js";
import { PERSONAS } from "../engine/index.js";
import type { AgentService } from "../service/agent-service.js";
import {
  CreateInstanceResponseSchema,
  DeleteInstanceResponseSchema,
  GetInstanceResponseSchema,
  ListInstancesResponseSchema,
  UpdateInstanceResponseSchema,
  type InstanceService,
} from "../../gen/keel/v1/instance_service_pb.js";
import { IdentityProfileSchema } from "../../gen/keel/v1/profile_pb.js";
import { invalidArgument } from "./errors.js";
import { instanceToWire, profileFromWire } from "./profile-mapping.js";
import * as v from "./validate.js";
import { canonical, writeRequest } from "./write-request.js";

const UPDATABLE = ["name", "description", "labels"] as const;

export function instanceService(agents: AgentService): ServiceImpl<typeof InstanceService> {
  return {
    async createInstance(req, ctx) {
      const name = v.text("name", req.name, { min: 1, max: 100 });
      const description = v.text("description", req.description, { min: 0, max: 1000 });
      const labels = v.labels("labels", req.labels);
      if (req.profile && req.personaId) throw invalidArgument("persona_id", "must be empty when profile is set");
      let profile;
      if (req.personaId) {
        const persona = PERSONAS.find((p) => p.id === req.personaId);
        if (!persona) {
          throw invalidArgument("persona_id", `"${req.personaId}" is not a known persona (known ${PERSONAS.map((p) => p.id).join(" ")})`);
        }
        profile = persona.profile;
      } else {
        profile = profileFromWire("profile", req.profile ?? create(IdentityProfileSchema));
      }
      const input = { name, description, profile, labels };
      const request = writeRequest("CreateInstance", req.requestId, () => canonical(input));
      const record = await agents.createInstance(tenantOf(ctx), input, request);
      return create(CreateInstanceResponseSchema, { instance: instanceToWire(record) });
    },

    async getInstance(req, ctx) {
      const id = v.instanceId("instance_id", req.instanceId);
      return create(GetInstanceResponseSchema, { instance: instanceToWire(await agents.getInstance(tenantOf(ctx), id)) });
    },

    async listInstances(req, ctx) {
      const pageSize = v.pageSize("page_size", req.pageSize, { fallback: 20, max: 100 });
      const page = await agents.listInstances(tenantOf(ctx), { pageSize, pageToken: req.pageToken });
      return create(ListInstancesResponseSchema, {
        instances: page.items.map(instanceToWire),
        nextPageToken: page.nextPageToken,
      });
    },

    async updateInstance(req, ctx) {
      const id = v.instanceId("instance_id", req.instanceId);
      const paths = req.updateMask?.paths ?? [];
      if (paths.length === 0) throw invalidArgument("update_mask", `is required (paths from ${UPDATABLE.join(" ")})`);
      const patch: { name?: string; description?: string; labels?: Record<string, string> } = {};
      for (const path of paths) {
        if (path === "name") patch.name = v.text("name", req.name, { min: 1, max: 100 });
        else if (path === "description") patch.description = v.text("description", req.description, { min: 0, max: 1000 });
        else if (path === "labels") patch.labels = v.labels("labels", req.labels);
        else throw invalidArgument("update_mask", `path "${path}" cannot be updated (allowed ${UPDATABLE.join(" ")})`);
      }
      const updated = await agents.updateInstance(tenantOf(ctx), id, patch);
      return create(UpdateInstanceResponseSchema, { instance: instanceToWire(updated) });
    },

    async deleteInstance(req, ctx) {
      await agents.deleteInstance(tenantOf(ctx), v.instanceId("instance_id", req.instanceId));
      return create(DeleteInstanceResponseSchema, {});
    },
  };
}
