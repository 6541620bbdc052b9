// InstanceService handlers: validate, call the agent service, map to the wire.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
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

const UPDATABLE = ["name", "description", "labels"] as const;

export function instanceService(agents: AgentService): ServiceImpl<typeof InstanceService> {
  return {
    async createInstance(req) {
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
      const record = await agents.createInstance({ name, description, profile, labels });
      return create(CreateInstanceResponseSchema, { instance: instanceToWire(record) });
    },

    async getInstance(req) {
      const id = v.instanceId("instance_id", req.instanceId);
      return create(GetInstanceResponseSchema, { instance: instanceToWire(await agents.getInstance(id)) });
    },

    async listInstances(req) {
      const pageSize = v.pageSize("page_size", req.pageSize, { fallback: 20, max: 100 });
      const page = await agents.listInstances({ pageSize, pageToken: req.pageToken });
      return create(ListInstancesResponseSchema, {
        instances: page.items.map(instanceToWire),
        nextPageToken: page.nextPageToken,
      });
    },

    async updateInstance(req) {
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
      return create(UpdateInstanceResponseSchema, { instance: instanceToWire(await agents.updateInstance(id, patch)) });
    },

    async deleteInstance(req) {
      await agents.deleteInstance(v.instanceId("instance_id", req.instanceId));
      return create(DeleteInstanceResponseSchema, {});
    },
  };
}
