// Layer rules, checked in CI (`npm run lint:layers`). The engine is the functional core; the
// contracts build on it; storage, auth, RPC and the server are the shell around them, and the
// server never imports an SDK (README, Layout).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "engine-is-pure",
      comment: "The engine imports nothing outside itself: no Node built-ins, no transport, storage or clock.",
      severity: "error",
      from: { path: "^src/engine/" },
      to: { pathNot: "^src/engine/" },
    },
    {
      name: "contracts-only-engine",
      comment: "Contract logic builds on the engine only; node:crypto is allowed for seals and hashes (no I/O).",
      severity: "error",
      from: { path: "^src/contracts/" },
      to: { pathNot: "^(src/(contracts|engine)/|crypto$|node:crypto$)" },
    },
    {
      name: "store-below-auth-rpc-server",
      comment: "Storage knows nothing of auth, RPC handlers or the server.",
      severity: "error",
      from: { path: "^src/store/" },
      to: { path: "^src/(auth|rpc|server)/" },
    },
    {
      name: "auth-below-rpc-server",
      comment: "Auth knows nothing of RPC handlers or the server.",
      severity: "error",
      from: { path: "^src/auth/" },
      to: { path: "^src/(rpc|server)/" },
    },
    {
      name: "server-never-imports-an-sdk",
      comment: "The SDKs are products of their own; the server shares nothing with them but the protos.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^clients/" },
    },
    {
      name: "sdk-never-imports-the-server",
      severity: "error",
      from: { path: "^clients/typescript/src/" },
      to: { path: "^(src|gen)/" },
    },
    {
      name: "shared-packages-stand-alone",
      comment: "packages/ are shared by the server and the SDK, so they import neither (nor generated code).",
      severity: "error",
      from: { path: "^packages/" },
      to: { path: "^(src|gen|clients)/" },
    },
    {
      name: "library-internals-walled-in",
      comment: "connect's protocol modules are @private (no semver); only the adapter that checks them at startup imports them.",
      severity: "error",
      from: { pathNot: "^src/server/library-internals\\.ts$" },
      to: { path: "^(node_modules/)?@connectrpc/connect/(dist/(esm|cjs)/)?protocol" },
    },
    {
      name: "no-circular",
      comment: "Type-only cycles (an interface and its implementer) are allowed; runtime cycles are not.",
      severity: "error",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
  },
};
