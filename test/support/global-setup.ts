// Vitest globalSetup: builds the FerretDB wrapper once per run, before any worker starts, so
// parallel test files never wait on (or race for) the ~70 s first build.
import { ensureFerretDbBinary } from "./mongo-server.js";

export default async function setup(): Promise<void> {
  if (!process.env.MONGODB_URI) await ensureFerretDbBinary();
}
