// @keel/client: the TypeScript SDK for Keel. See README.md in this package.
export { Code, ConnectError } from "@connectrpc/connect";
export {
  createKeelClient,
  type ContractInput,
  type CreateInstanceInput,
  type CreateKeyInput,
  type KeelClient,
  type KeelClientOptions,
  type Page,
  type ScopeName,
  type TransportKind,
  type UpdateInstanceInput,
  type WriteOptions,
} from "./client.js";
export { KeelError, codeName, retryDelayMs, type CodeName, type FieldViolation } from "./errors.js";
export type { RetryPolicy } from "./retry.js";
export { toMode, type ModeName, type ObservationInput, type Outcome } from "./observation.js";
export { KeelSession, MAX_BATCH, type SessionCall, type SessionOptions, type SessionOutcome } from "./session.js";
export { Action, DriftLevel, Mode, StressLevel, SystemState } from "./gen/keel/v1/modes_pb.js";
export { ResetTarget, type HistoryEntry } from "./gen/keel/v1/engine_service_pb.js";
export { KeyScope, type ApiKey, type WhoAmIResponse } from "./gen/keel/v1/key_service_pb.js";
export type { ExecutionContract } from "./gen/keel/v1/contract_pb.js";
export type { DriftEvent, Snapshot } from "./gen/keel/v1/drift_pb.js";
export type { EngineState } from "./gen/keel/v1/state_pb.js";
export type { Instance } from "./gen/keel/v1/instance_pb.js";
export type { BehavioralContract } from "./gen/keel/v1/behavioral_contract_pb.js";
export type { FieldChange, GenerateContractResponse, SigningKey, VerifyContractResponse } from "./gen/keel/v1/contract_service_pb.js";
export { KeelDenied, KeelGuard, KeelUnreachable, refusalText, type ActionName, type GuardSession, type ToolDeclaration } from "./guard.js";
export {
  runAnthropic,
  runOpenAI,
  runOpenAIResponses,
  type AnthropicToolResult,
  type OpenAIFunctionCallOutput,
  type OpenAIToolMessage,
  type ToolCallOptions,
} from "./tool-calls.js";
