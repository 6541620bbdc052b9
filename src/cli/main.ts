// The `keel` command line: contracts, instances, processing and API keys against a running server,
// and local key generation and sealing. `keel help` lists the commands. Remote commands send the
// API key from --api-key or KEEL_API_KEY as `authorization: Bearer <key>`.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { fromJson, toJsonString, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { BehavioralContractSchema } from "../../gen/keel/v1/behavioral_contract_pb.js";
import { ContractMode, ContractService } from "../../gen/keel/v1/contract_service_pb.js";
import { EngineService } from "../../gen/keel/v1/engine_service_pb.js";
import { InstanceService } from "../../gen/keel/v1/instance_service_pb.js";
import { KeyScope, KeyService, type ApiKey } from "../../gen/keel/v1/key_service_pb.js";
import { Mode } from "../../gen/keel/v1/modes_pb.js";
import { apiKeyInterceptor, isHeaderSafe, parseApiKey } from "../auth/key-format.js";
import { generateKey, keygen, readJson, sealFile } from "./local.js";
import { UsageError, type CliIo } from "./io.js";
import { KEEL_VERSION } from "../version.js";

const USAGE = `keel - command line for a Keel server (default http://127.0.0.1:8080, or KEEL_SERVER / --server)
Remote commands authenticate with the API key in KEEL_API_KEY, or --api-key KEY.

contract create AGENT [--archetype NAME] [--certificate ID] [--seal]   generate from an archetype and store
contract put FILE [--seal] [--shadow]       store a contract (proto JSON) as the agent's next version;
                                            --shadow: evaluate it beside the enforced one, change nothing
contract get AGENT [--version N | --shadow] the enforced version, version N, or the shadow candidate
contract promote AGENT [--version N]        make the shadow version the enforced one (audited)
contract shadow-report AGENT                what the shadow version would have blocked, by rule and action
contract history AGENT                      every version, oldest first
contract diff AGENT FROM TO                 the fields that changed between two versions
contract verify AGENT [--version N]         check a stored contract's seal
contract verify --file FILE                 check a contract file's seal
contract seal FILE --key KEY.pem            seal a contract file locally (prints the sealed contract)
contract keygen                             print a new Ed25519 private key and its public key
contract keys                               the server's public keys
instance create --name NAME [--description TEXT] [--persona ID]
instance get ID | instance list | instance delete ID
process ID --mode MODE --strength X [--confidence X] [--action A] [--target T] [--outcome O] [--amount N] [--term T] [--at ISO-TIME]
state ID | contract-of ID                   the agent's engine state, or its current execution contract
audit verify ID                             replay the agent's history and check every cycle and chain hash
                                            (exit 0 verified, 1 a difference, printed with what differs)
keys create --name NAME --scope read|engine|admin [--tenant T] [--cycles-per-second N] [--max-sessions N]
                                            create an API key (admin); prints the key, once, on stdout
keys list [--tenant T]                      your tenant's keys (or T's), without secrets
keys revoke KEY_ID [--tenant T]             revoke a key; its next call is refused
keys whoami                                 the calling key's id, tenant and scope
keys generate                               print a new random key, e.g. for KEEL_BOOTSTRAP_KEY (no server)
--version                                   print keel's version
`;

const OPTIONS = {
  server: { type: "string" },
  "api-key": { type: "string" },
  tenant: { type: "string" },
  scope: { type: "string" },
  "cycles-per-second": { type: "string" },
  "max-sessions": { type: "string" },
  seal: { type: "boolean" },
  shadow: { type: "boolean" },
  version: { type: "string" },
  archetype: { type: "string" },
  certificate: { type: "string" },
  file: { type: "string" },
  key: { type: "string" },
  name: { type: "string" },
  description: { type: "string" },
  persona: { type: "string" },
  mode: { type: "string" },
  strength: { type: "string" },
  confidence: { type: "string" },
  action: { type: "string" },
  target: { type: "string" },
  outcome: { type: "string" },
  term: { type: "string" },
  amount: { type: "string" },
  at: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Runs one command; resolves with the exit code (0 ok, 1 the server refused, 2 usage). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let apiKey = "";
  let keySource = "";
  // Before parsing: "--version" alone is the program's version, "--version N" a contract's.
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V" || argv[0] === "version")) {
    io.stdout(`keel ${KEEL_VERSION}\n`);
    return 0;
  }
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    if (values.help || positionals.length === 0 || positionals[0] === "help") {
      io.stdout(USAGE);
      return 0;
    }
    apiKey = (values["api-key"] ?? io.env.KEEL_API_KEY ?? "").trim();
    keySource = values["api-key"] !== undefined ? "--api-key" : "KEEL_API_KEY";
    return await dispatch(positionals, values, apiKey, io);
  } catch (err) {
    if (err instanceof ConnectError) {
      io.stderr(`keel: ${codeName(err.code)} - ${err.rawMessage}\n${authHint(err.code, apiKey, keySource)}`);
      return 1;
    }
    if (err instanceof UsageError || (err instanceof TypeError && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS"))) {
      io.stderr(`keel: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"];

/** Runs the command; resolves with its exit code. */
async function dispatch(args: string[], o: Values, apiKey: string, io: CliIo): Promise<number> {
  const [group, command, ...rest] = args;
  const interceptors: Interceptor[] = [];
  if (apiKey) {
    if (!isHeaderSafe(apiKey)) usage("the API key (--api-key or KEEL_API_KEY) must not contain spaces or control characters");
    interceptors.push(apiKeyInterceptor(apiKey));
  }
  const transport = createConnectTransport({
    baseUrl: o.server ?? io.env.KEEL_SERVER ?? "http://127.0.0.1:8080",
    httpVersion: "1.1",
    interceptors,
  });
  const contracts = createClient(ContractService, transport);
  const instances = createClient(InstanceService, transport);
  const engine = createClient(EngineService, transport);
  const keys = createClient(KeyService, transport);
  const print = <D extends DescMessage>(schema: D, message: MessageShape<D>): number => {
    io.stdout(`${toJsonString(schema, message, { prettySpaces: 2 })}\n`);
    return 0;
  };
  const arg = (i: number, what: string) => rest[i] ?? usage(`${group} ${command} needs ${what}`);
  // process, state and contract-of take the instance id where the others take a sub-command.
  const verb = ["process", "state", "contract-of"].includes(group ?? "") ? group : `${group} ${command}`;

  switch (verb) {
    case "contract create": {
      const res = await contracts.generateContract({
        agentId: arg(0, "an agent id"),
        archetype: o.archetype ?? "",
        certificateId: o.certificate ?? "",
        store: true,
        seal: o.seal ?? false,
      });
      return print(ContractService.method.generateContract.output, res);
    }
    case "contract put": {
      const contract = fromJson(BehavioralContractSchema, readJson(io, arg(0, "a contract file")));
      const mode = o.shadow ? ContractMode.SHADOW : ContractMode.ENFORCE;
      return print(ContractService.method.putContract.output, await contracts.putContract({ contract, seal: o.seal ?? false, mode }));
    }
    case "contract promote": {
      const res = await contracts.promoteContract({ agentId: arg(0, "an agent id"), version: o.version ? count("version", o.version) : 0 });
      return print(ContractService.method.promoteContract.output, res);
    }
    case "contract shadow-report":
      return print(ContractService.method.getShadowReport.output, await contracts.getShadowReport({ agentId: arg(0, "an agent id") }));
    case "contract get": {
      const agentId = arg(0, "an agent id");
      if (o.version && o.shadow) usage("contract get takes --version or --shadow, not both");
      if (o.version) return print(BehavioralContractSchema, (await contracts.getContractVersion({ agentId, version: count("version", o.version) })).contract!);
      const res = await contracts.getActiveContract({ agentId });
      const shown = o.shadow ? res.shadow : res.contract;
      if (!shown) {
        io.stderr(`keel: ${agentId} has no ${o.shadow ? "shadow" : "enforced"} contract version\n`);
        return 1;
      }
      return print(BehavioralContractSchema, shown);
    }
    case "contract history": {
      const agentId = arg(0, "an agent id");
      let pageToken = "";
      do {
        const page = await contracts.listContractHistory({ agentId, pageSize: 100, pageToken });
        for (const c of page.contracts) print(BehavioralContractSchema, c);
        pageToken = page.nextPageToken;
      } while (pageToken);
      return 0;
    }
    case "contract diff": {
      const res = await contracts.diffContracts({
        agentId: arg(0, "an agent id"),
        fromVersion: count("FROM", arg(1, "FROM and TO versions")),
        toVersion: count("TO", arg(2, "FROM and TO versions")),
      });
      return print(ContractService.method.diffContracts.output, res);
    }
    case "contract verify": {
      const res = o.file
        ? await contracts.verifyContract({ contract: fromJson(BehavioralContractSchema, readJson(io, o.file)) })
        : await contracts.verifyContract({ agentId: arg(0, "an agent id or --file"), version: o.version ? count("version", o.version) : 0 });
      print(ContractService.method.verifyContract.output, res);
      return res.valid ? 0 : 1;
    }
    case "contract seal":
      sealFile(io, arg(0, "a contract file"), o.key ?? usage("contract seal needs --key KEY.pem"));
      return 0;
    case "contract keygen":
      keygen(io);
      return 0;
    case "contract keys":
      return print(ContractService.method.listSigningKeys.output, await contracts.listSigningKeys({}));
    case "instance create": {
      const res = await instances.createInstance({
        name: o.name ?? usage("instance create needs --name"),
        description: o.description ?? "",
        personaId: o.persona ?? "",
      });
      return print(InstanceService.method.createInstance.output, res);
    }
    case "instance get":
      return print(InstanceService.method.getInstance.output, await instances.getInstance({ instanceId: arg(0, "an instance id") }));
    case "instance list": {
      let pageToken = "";
      do {
        const page = await instances.listInstances({ pageSize: 100, pageToken });
        print(InstanceService.method.listInstances.output, page);
        pageToken = page.nextPageToken;
      } while (pageToken);
      return 0;
    }
    case "instance delete":
      await instances.deleteInstance({ instanceId: arg(0, "an instance id") });
      return 0;
    case "process": {
      const instanceId = command ?? usage("process needs an instance id");
      const mode = Mode[`${(o.mode ?? usage("process needs --mode")).toUpperCase()}` as keyof typeof Mode];
      if (mode === undefined) usage(`--mode must be one of ${Object.keys(Mode).filter((m) => Number.isNaN(Number(m)) && m !== "UNSPECIFIED").join(" ").toLowerCase()}`);
      const res = await engine.process({
        instanceId,
        observation: {
          mode,
          signalStrength: number("strength", o.strength ?? usage("process needs --strength")),
          confidence: o.confidence === undefined ? undefined : number("confidence", o.confidence),
          action: o.action,
          target: o.target,
          outcome: o.outcome,
          amount: o.amount === undefined ? undefined : number("amount", o.amount),
          context: o.term ? { term: o.term } : {},
          timestamp: o.at ? timestampFromMs(time(o.at)) : undefined,
        },
      });
      return print(EngineService.method.process.output, res);
    }
    case "audit verify": {
      const res = await engine.verifyHistory({ instanceId: arg(0, "an instance id") });
      print(EngineService.method.verifyHistory.output, res);
      const d = res.difference;
      if (d) io.stderr(`keel: the history of ${rest[0]} differs at revision ${d.revision} (${d.field}) - ${d.message}\n`);
      return res.verified ? 0 : 1;
    }
    case "state":
      return print(EngineService.method.getState.output, await engine.getState({ instanceId: command ?? usage("state needs an instance id") }));
    case "contract-of":
      return print(EngineService.method.getContract.output, await engine.getContract({ instanceId: command ?? usage("contract-of needs an instance id") }));
    case "keys create": {
      const res = await keys.createKey({
        name: o.name ?? usage("keys create needs --name"),
        scope: scopeOf(o.scope ?? usage("keys create needs --scope read|engine|admin")),
        tenant: o.tenant ?? "",
        cyclesPerSecond: o["cycles-per-second"] === undefined ? 0 : quota("cycles-per-second", o["cycles-per-second"]),
        maxSessions: o["max-sessions"] === undefined ? 0 : quota("max-sessions", o["max-sessions"]),
      });
      // The key alone on stdout (KEY=$(keel keys create ...) captures it); the rest on stderr.
      io.stderr(`created ${describeKey(res.key!)}\n`);
      io.stdout(`${res.secret}\n`);
      io.stderr("this is the only time the key is shown: store it now, and use it as KEEL_API_KEY or --api-key\n");
      return 0;
    }
    case "keys list": {
      let pageToken = "";
      do {
        const page = await keys.listKeys({ tenant: o.tenant ?? "", pageSize: 100, pageToken });
        print(KeyService.method.listKeys.output, page);
        pageToken = page.nextPageToken;
      } while (pageToken);
      return 0;
    }
    case "keys revoke":
      return print(KeyService.method.revokeKey.output, await keys.revokeKey({ keyId: arg(0, "a key id"), tenant: o.tenant ?? "" }));
    case "keys whoami":
      return print(KeyService.method.whoAmI.output, await keys.whoAmI({}));
    case "keys generate":
      generateKey(io);
      return 0;
    default:
      return usage(`unknown command "${args.join(" ")}"`);
  }
}

function usage(message: string): never {
  throw new UsageError(message);
}

const SCOPES: Record<string, KeyScope> = { read: KeyScope.READ, engine: KeyScope.ENGINE, admin: KeyScope.ADMIN };

function scopeOf(raw: string): KeyScope {
  return SCOPES[raw.toLowerCase()] ?? usage(`--scope must be read, engine or admin (got "${raw}")`);
}

/** A quota override: 0 (the server's default) up to 2^32 - 1. */
function quota(what: string, raw: string): number {
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < 0 || n > 0xffff_ffff) usage(`--${what} must be a non-negative integer (got "${raw}")`);
  return n;
}

function describeKey(key: ApiKey): string {
  const scope = KeyScope[key.scope]?.toLowerCase() ?? String(key.scope);
  const quotas = [
    key.cyclesPerSecond ? `${key.cyclesPerSecond} cycles/s` : "",
    key.maxSessions ? `${key.maxSessions} sessions` : "",
  ].filter(Boolean);
  return `key ${key.keyId} "${key.name}": scope ${scope}, tenant ${key.tenant}${quotas.length ? `, ${quotas.join(", ")}` : ""}`;
}

/** What to do about an authentication or authorization refusal. */
function authHint(code: Code, apiKey: string, source: string): string {
  if (code === Code.Unauthenticated) {
    if (!apiKey) {
      return "keel: no API key was sent: set KEEL_API_KEY or pass --api-key KEY (the server's bootstrap key, or one from 'keel keys create')\n";
    }
    const shape = parseApiKey(apiKey) ? "" : " (it is not even shaped like a Keel key, keel_<16 hex>_<43 base64url characters>)";
    return `keel: the server refused the API key from ${source}${shape}: check that it is complete, belongs to this server and is not revoked\n`;
  }
  if (code === Code.PermissionDenied) {
    return `keel: the API key from ${source} is valid but its scope or tenant does not allow this; 'keel keys whoami' shows what it holds\n`;
  }
  return "";
}

function count(what: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) usage(`${what} must be a positive integer (got "${raw}")`);
  return n;
}

function number(what: string, raw: string): number {
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n)) usage(`--${what} must be a number (got "${raw}")`);
  return n;
}

function time(raw: string): number {
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) usage(`--at must be an ISO time (got "${raw}")`);
  return ms;
}

/** INVALID_ARGUMENT, as gRPC names codes. */
function codeName(code: Code): string {
  return (Code[code] ?? String(code)).replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}

/** The process entry point (bin/keel.js). */
export async function run(): Promise<void> {
  // Output piped into `head` and the like: stop quietly when the reader goes away.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    process.exit(0);
  });
  const io: CliIo = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    readFile: (p) => readFileSync(p, "utf8"),
    now: Date.now,
  };
  process.exitCode = await main(process.argv.slice(2), io);
}
