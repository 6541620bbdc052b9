// The startup self-check of the grpc-js and connect internals the gRPC path relies on: it passes
// with the installed libraries and, when an upgrade removes or changes one, fails naming the
// library, its version and the internal, instead of letting calls break later.
import { setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import { transformInvokeImplementation } from "@connectrpc/connect/protocol";
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { checkLibraryInternals, installedVersion, type Internals } from "../../src/server/library-internals.js";

const installed: Internals = { newGrpcServer: () => new grpc.Server(), transformInvokeImplementation, setTrailerStatus };

describe("checkLibraryInternals", () => {
  it("passes with the installed @grpc/grpc-js and @connectrpc/connect", async () => {
    await expect(checkLibraryInternals()).resolves.toBeUndefined();
    await expect(checkLibraryInternals(installed)).resolves.toBeUndefined();
  });

  it("knows the installed versions it names in its errors", () => {
    expect(installedVersion("@grpc/grpc-js")).toMatch(/^\d+\.\d+\.\d+/);
    expect(installedVersion("@connectrpc/connect")).toBe("2.1.2");
  });

  it("fails naming grpc-js and its version when Server#http2Servers is gone", async () => {
    const renamed = (): grpc.Server => {
      const server = new grpc.Server();
      // What a grpc-js release that renames the private field looks like from here.
      const servers = (server as unknown as { http2Servers: unknown }).http2Servers;
      Object.defineProperty(server, "http2Servers", { value: undefined });
      Object.defineProperty(server, "servers", { value: servers });
      return server;
    };
    await expect(checkLibraryInternals({ ...installed, newGrpcServer: renamed })).rejects.toThrow(
      `@grpc/grpc-js ${installedVersion("@grpc/grpc-js")} no longer has the internal Keel's gRPC path relies on: Server#http2Servers`,
    );
  });

  it("fails when grpc-js answers the injector's streams with more than one listener", async () => {
    const twoListeners = (): grpc.Server => {
      const server = new grpc.Server();
      const inject = server.createConnectionInjector.bind(server);
      server.createConnectionInjector = (creds) => {
        const injector = inject(creds);
        const servers = (server as unknown as { http2Servers: Map<import("node:events").EventEmitter, unknown> }).http2Servers;
        [...servers.keys()].at(-1)!.on("stream", () => {});
        return injector;
      };
      return server;
    };
    await expect(checkLibraryInternals({ ...installed, newGrpcServer: twoListeners })).rejects.toThrow(/@grpc\/grpc-js .* 2 "stream" listeners, not 1/);
  });

  it("fails naming connect and its version when setTrailerStatus writes no status", async () => {
    const check = checkLibraryInternals({ ...installed, setTrailerStatus: (headers) => headers });
    await expect(check).rejects.toThrow(/^@connectrpc\/connect 2\.1\.2 no longer has .*setTrailerStatus .*KEEL_GRPC_SERVER=connect/);
  });

  it("fails when transformInvokeImplementation is gone or answers differently", async () => {
    const gone = { ...installed, transformInvokeImplementation: undefined as unknown as Internals["transformInvokeImplementation"] };
    await expect(checkLibraryInternals(gone)).rejects.toThrow(/^@connectrpc\/connect 2\.1\.2 .*transformInvokeImplementation/);
    const silent: Internals["transformInvokeImplementation"] = () => async function* () {};
    await expect(checkLibraryInternals({ ...installed, transformInvokeImplementation: silent })).rejects.toThrow(
      /transformInvokeImplementation .* the handler's one answer came back as \[\]/,
    );
  });
});
