// Finding an agent's head revision. The commit log (cycles) is the truth; the states checkpoint
// and the in-process cache are only lower bounds to search forward from. Every commit reads its
// expected revision from here (or from its own acknowledged commit), so only the newest revision
// can lack projections (its drift event and snapshot documents) — a writer that stopped between
// commit point and projections — and it is projected again here before anyone can build on it.
// Every read names the tenant (through the tenant-scoped _id): another tenant's agent has no head
// (null), like a missing one, and nothing of it is rolled forward.
import type { Db } from "mongodb";
import {
  agentDocId,
  collections,
  cycleId,
  headOfCycle,
  headOfInstance,
  headOfState,
  recordDocsOfCycle,
  stateDoc,
  type CycleDoc,
  type Head,
  type InstanceDoc,
  type StateDoc,
} from "./documents.js";
import { isDuplicateKey } from "./failures.js";
import type { HeadCache } from "./head-cache.js";
import { applyRecords, writeCheckpoints } from "./projections.js";

export class HeadFinder {
  constructor(
    private readonly db: Db,
    private readonly cache: HeadCache,
    private readonly checkpointEvery: number,
  ) {}

  /** The agent's latest committed revision, with its projections in place; null if it does not exist. */
  async head(tenant: string, instanceId: string): Promise<Head | null> {
    const cached = this.cache.get(tenant, instanceId);
    // The instance doc is read even with a cached head: another process may have deleted it.
    const [instance, checkpoint] = await Promise.all([
      this.db
        .collection<InstanceDoc>(collections.instances)
        .findOne(
          { _id: agentDocId(tenant, instanceId) },
          { projection: cached ? { _id: 1 } : { tenant: 1, instanceId: 1, initialState: 1, createdAtMs: 1 } },
        ),
      cached ? null : this.db.collection<StateDoc>(collections.states).findOne({ _id: agentDocId(tenant, instanceId) }),
    ]);
    if (!instance) {
      this.cache.forget(tenant, instanceId);
      return null;
    }
    const base = cached ?? (checkpoint ? headOfState(checkpoint) : headOfInstance(instance));
    if (!cached && !checkpoint) await this.#restoreCheckpoint(base);

    const newest = await this.#newestCycleAfter(tenant, instanceId, base.revision);
    if (!newest) {
      this.cache.advance(base);
      return base;
    }
    await applyRecords(this.db, recordDocsOfCycle(newest));
    const head = headOfCycle(newest);
    if (head.revision - base.revision >= this.checkpointEvery) await writeCheckpoints(this.db, [head]);
    this.cache.advance(head);
    return head;
  }

  /** The cycle with the highest revision above `known`, or null if there is none. */
  async #newestCycleAfter(tenant: string, instanceId: string, known: number): Promise<CycleDoc | null> {
    // Revisions are gapless, so gallop forward (+1, +2, +4, …) and then bisect: a checkpoint k
    // revisions behind costs about 2·log2(k) point reads, each served by _id.
    let found: CycleDoc | null = null;
    let low = known;
    let high = Infinity;
    for (let step = 1; high === Infinity; step *= 2) {
      const doc = await this.#cycle(tenant, instanceId, low + step);
      if (doc) {
        found = doc;
        low += step;
      } else {
        high = low + step;
      }
    }
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      const doc = await this.#cycle(tenant, instanceId, mid);
      if (doc) {
        found = doc;
        low = mid;
      } else {
        high = mid;
      }
    }
    return found;
  }

  #cycle(tenant: string, instanceId: string, revision: number): Promise<CycleDoc | null> {
    return this.db.collection<CycleDoc>(collections.cycles).findOne({ _id: cycleId(tenant, instanceId, revision) });
  }

  /** Re-creates the checkpoint of an agent whose create stopped before writing it. */
  async #restoreCheckpoint(head: Head): Promise<void> {
    await this.db
      .collection<StateDoc>(collections.states)
      .insertOne(stateDoc(head))
      .catch((err: unknown) => {
        if (!isDuplicateKey(err)) throw err;
      });
  }
}
