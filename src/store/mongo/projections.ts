// Writes derived from committed cycles. All are idempotent, so a commit's projections can be
// applied again by whoever finds them missing (roll-forward) without coordination.
import { MongoBulkWriteError, type Db } from "mongodb";
import {
  collections,
  recordCollections,
  stateDoc,
  type Head,
  type RecordCollection,
  type RecordDoc,
  type StateDoc,
} from "./documents.js";
import { DUPLICATE_KEY } from "./failures.js";

/**
 * FerretDB 1.x keeps every statement of one update command open until the command ends and stalls
 * at around 64 of them, so checkpoint updates go in small commands.
 */
const UPDATES_PER_COMMAND = 32;

/**
 * The per-item outcome of an unordered insertMany that failed in part: write error code by index.
 * Anything else is a failure of the whole command and is rethrown — unwrapped, because the driver
 * reports e.g. a refused connection as a MongoBulkWriteError without write errors, keeping the
 * original error only in errorResponse.
 */
export function writeErrorsOf(err: unknown, attempted: number): Map<number, number> {
  if (!(err instanceof MongoBulkWriteError)) throw err;
  if (err.errorResponse instanceof Error) throw err.errorResponse;
  const errors = [err.writeErrors].flat();
  // A write concern failure, or items neither inserted nor refused: the outcome is unknown.
  if (err.err || errors.length === 0 || err.insertedCount + errors.length !== attempted) throw err;
  return new Map(errors.map((e) => [e.index, e.code]));
}

/** Inserts drift event and snapshot documents; ones already there are left as they are. */
export async function applyRecords(db: Db, docs: Record<RecordCollection, RecordDoc[]>): Promise<void> {
  await Promise.all(
    recordCollections
      .filter((name) => docs[name].length > 0)
      .map(async (name) => {
        try {
          await db.collection<RecordDoc>(collections[name]).insertMany(docs[name], { ordered: false });
        } catch (err) {
          const codes = [...writeErrorsOf(err, docs[name].length).values()];
          if (codes.some((code) => code !== DUPLICATE_KEY)) throw err;
        }
      }),
  );
}

/**
 * Moves checkpoints forward only; a missing states doc is left missing (reads fall back). The
 * tenant-scoped _id names the tenant; the tenant and agent id themselves are never updated.
 */
export async function writeCheckpoints(db: Db, heads: Head[]): Promise<void> {
  const states = db.collection<StateDoc>(collections.states);
  for (let i = 0; i < heads.length; i += UPDATES_PER_COMMAND) {
    const chunk = heads.slice(i, i + UPDATES_PER_COMMAND);
    await states.bulkWrite(
      chunk.map((head) => {
        const { _id, tenant: _tenant, instanceId: _instanceId, ...fields } = stateDoc(head);
        return { updateOne: { filter: { _id, revision: { $lt: head.revision } }, update: { $set: fields } } };
      }),
      { ordered: false },
    );
  }
}
