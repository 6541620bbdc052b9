// gRPC server reflection (v1 and v1alpha) over protobuf-es descriptors, so grpcurl and other
// tools can discover every service without the .proto files. connect-es has no built-in
// implementation (connect-es issue #507).
import { create, createRegistry, toBinary, type DescFile, type MessageInitShape, type Registry } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import * as v1 from "../../gen/grpc/reflection/v1/reflection_pb.js";
import * as v1alpha from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";

/** Reflection's answers, independent of the protocol version that carries them. */
type Answer =
  | { kind: "files"; files: Uint8Array[] }
  | { kind: "services"; names: string[] }
  | { kind: "error"; code: number; message: string };

const NOT_FOUND = 5;
const UNIMPLEMENTED = 12;

export class ReflectionIndex {
  private readonly registry: Registry;
  /** By file name as imports spell it ("keel/v1/modes.proto"). */
  private readonly files = new Map<string, DescFile>();

  constructor(
    roots: DescFile[],
    private readonly serviceNames: string[],
  ) {
    const visit = (file: DescFile): void => {
      if (this.files.has(file.proto.name)) return;
      this.files.set(file.proto.name, file);
      file.dependencies.forEach(visit);
    };
    roots.forEach(visit);
    this.registry = createRegistry(...this.files.values());
  }

  answer(request: { case: string | undefined; value?: unknown }): Answer {
    switch (request.case) {
      case "listServices":
        return { kind: "services", names: this.serviceNames };
      case "fileByFilename": {
        const file = this.files.get(String(request.value));
        return file ? this.filesWithDeps(file) : notFound(`file ${String(request.value)}`);
      }
      case "fileContainingSymbol": {
        const file = this.fileOfSymbol(String(request.value));
        return file ? this.filesWithDeps(file) : notFound(`symbol ${String(request.value)}`);
      }
      default:
        return { kind: "error", code: UNIMPLEMENTED, message: `${request.case ?? "empty"} request is not supported` };
    }
  }

  private fileOfSymbol(symbol: string): DescFile | undefined {
    const desc = this.registry.get(symbol);
    if (desc) return desc.file;
    // A method: "pkg.Service.Method".
    const dot = symbol.lastIndexOf(".");
    const parent = dot > 0 ? this.registry.get(symbol.slice(0, dot)) : undefined;
    if (parent?.kind === "service" && parent.methods.some((m) => m.name === symbol.slice(dot + 1))) {
      return parent.file;
    }
    return undefined;
  }

  /** The file and everything it imports, transitively, each once. */
  private filesWithDeps(root: DescFile): Answer {
    const seen = new Set<string>();
    const files: Uint8Array[] = [];
    const visit = (file: DescFile): void => {
      if (seen.has(file.name)) return;
      seen.add(file.name);
      files.push(toBinary(FileDescriptorProtoSchema, create(FileDescriptorProtoSchema, file.proto)));
      for (const dep of file.dependencies) visit(dep);
    };
    visit(root);
    return { kind: "files", files };
  }
}

function notFound(what: string): Answer {
  return { kind: "error", code: NOT_FOUND, message: `${what} not found` };
}

type ReflectionRequest = v1.ServerReflectionRequest | v1alpha.ServerReflectionRequest;
type ResponseInit = MessageInitShape<typeof v1.ServerReflectionResponseSchema>;

/** The stream loop shared by both protocol versions; `build` makes the version's message. */
async function* serve<Res>(
  index: ReflectionIndex,
  requests: AsyncIterable<ReflectionRequest>,
  ctx: HandlerContext,
  build: (init: ResponseInit) => Res,
): AsyncGenerator<Res> {
  for await (const req of requests) {
    if (ctx.signal.aborted) return;
    const a = index.answer(req.messageRequest);
    const messageResponse: ResponseInit["messageResponse"] =
      a.kind === "files"
        ? { case: "fileDescriptorResponse", value: { fileDescriptorProto: a.files } }
        : a.kind === "services"
          ? { case: "listServicesResponse", value: { service: a.names.map((name) => ({ name })) } }
          : { case: "errorResponse", value: { errorCode: a.code, errorMessage: a.message } };
    yield build({ validHost: req.host, originalRequest: req as v1.ServerReflectionRequest, messageResponse });
  }
}

export function reflectionV1(index: ReflectionIndex): ServiceImpl<typeof v1.ServerReflection> {
  return {
    serverReflectionInfo: (requests, ctx) =>
      serve(index, requests, ctx, (init) => create(v1.ServerReflectionResponseSchema, init)),
  };
}

export function reflectionV1alpha(index: ReflectionIndex): ServiceImpl<typeof v1alpha.ServerReflection> {
  return {
    serverReflectionInfo: (requests, ctx) =>
      serve(index, requests, ctx, (init) =>
        create(v1alpha.ServerReflectionResponseSchema, init as MessageInitShape<typeof v1alpha.ServerReflectionResponseSchema>),
      ),
  };
}
