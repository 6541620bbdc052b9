// History reads. Entries are embedded in their commit's cycles doc (one document per commit,
// however many observations it carries), so listings walk the commit log and unpack entries.
// A committed cycles doc holds its whole history, so there is nothing to roll forward here.
import type { Db, Filter } from "mongodb";
import { decodePageToken, encodePageToken, pageSizeOf } from "../page-token.js";
import { tenantKey } from "../tenant.js";
import type { HistoryEntry, LoggedCommit, Page, PageRequest } from "../types.js";
import { collections, historyOfCycle, loggedCommitOf, type CycleDoc } from "./documents.js";

// Only what history needs: the engine state is most of a cycles doc.
const historyFields = { _id: 0, revision: 1, records: 1 } as const;

/** Newest first by (revision, seq); the page token is the key of the last entry returned. */
export async function listHistory(db: Db, tenant: string, instanceId: string, page: PageRequest): Promise<Page<HistoryEntry>> {
  const scope = tenantKey(tenant, instanceId);
  const after = decodePageToken(page.pageToken, "history", scope, ["number", "number"] as const);
  const size = pageSizeOf(page.pageSize);
  const filter: Filter<CycleDoc> = after
    ? { tenant, instanceId, revision: { $lte: after[0] } }
    : { tenant, instanceId };
  // Commits hold zero or more entries, so the number of docs a page needs is unknown: read the
  // log newest first in batches of at most a page and stop once one entry past the page is seen.
  // Sorting on revision alone is served by {tenant, instanceId, revision}: both are equalities.
  const cursor = cycles(db).find(filter, { projection: historyFields }).sort({ revision: -1 }).batchSize(size + 1);
  const entries: HistoryEntry[] = [];
  try {
    for await (const doc of cursor) {
      const newestFirst = historyOfCycle(doc).reverse();
      entries.push(...(after && doc.revision === after[0] ? newestFirst.filter((e) => e.seq < after[1]) : newestFirst));
      if (entries.length > size) break;
    }
  } finally {
    await cursor.close();
  }
  const items = entries.slice(0, size);
  const last = items.at(-1);
  return {
    items,
    nextPageToken: entries.length > size && last ? encodePageToken("history", scope, [last.revision, last.seq]) : "",
  };
}

/** Entries with a session sequence in [from, to], ascending by sequence, then commit order. */
export async function historyBySequence(
  db: Db,
  tenant: string,
  instanceId: string,
  from: number,
  to: number,
): Promise<HistoryEntry[]> {
  // The commits whose sequence range overlaps [from, to]; entries outside it are dropped below.
  const docs = await cycles(db)
    .find({ tenant, instanceId, maxSequence: { $gte: from }, minSequence: { $lte: to } }, { projection: historyFields })
    .toArray();
  return docs
    .flatMap((doc) => historyOfCycle(doc))
    .filter((e) => e.sequence !== null && e.sequence >= from && e.sequence <= to)
    .sort((a, b) => (a.sequence as number) - (b.sequence as number) || a.revision - b.revision || a.seq - b.seq);
}

/** The commit log after a revision, oldest first: served by the {tenant, instanceId, revision} index. */
export async function readLog(db: Db, tenant: string, instanceId: string, afterRevision: number, limit: number): Promise<LoggedCommit[]> {
  if (limit <= 0) return [];
  const docs = await cycles(db)
    .find({ tenant, instanceId, revision: { $gt: afterRevision } }, { projection: { _id: 0, revision: 1, committedAtMs: 1, records: 1 } })
    .sort({ revision: 1 })
    .limit(limit)
    .toArray();
  return docs.map(loggedCommitOf);
}

function cycles(db: Db) {
  return db.collection<CycleDoc>(collections.cycles);
}
