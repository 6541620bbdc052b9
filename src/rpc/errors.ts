// Maps failures to status codes with messages a caller can act on. Connect percent-encodes
// grpc-message, so messages avoid ":" "," ";" where grpc-js clients would show them escaped.
import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema } from "../../gen/google/rpc/error_details_pb.js";
import { InstanceExistsError, InvalidPageTokenError, StoreUnavailableError } from "../store/types.js";
import { ContentionError, NotFoundError, PreconditionError, RequestIdReusedError } from "../service/errors.js";

/**
 * INVALID_ARGUMENT naming the field twice: in the message for people, and as a google.rpc.BadRequest
 * field violation (path in proto field names, e.g. "observation.signal_strength") for SDKs, which
 * read it from the status details on every transport.
 */
export function invalidArgument(field: string, problem: string): ConnectError {
  return new ConnectError(`${field} ${problem}`, Code.InvalidArgument, undefined, [
    { desc: BadRequestSchema, value: { fieldViolations: [{ field, description: problem }] } },
  ]);
}

/** Translates service and store errors; anything unexpected stays INTERNAL (and is logged). */
export function toConnectError(err: unknown): ConnectError {
  if (err instanceof ConnectError) {
    // connect reports a request stream's undecodable frame as INTERNAL "parse binary"; it is the
    // client's mistake (issue 15 #4).
    if (err.code === Code.Internal && err.rawMessage.startsWith("parse binary")) {
      return new ConnectError(`a request frame is not valid protobuf - ${err.rawMessage.slice(14).replace(/[:,;]/g, " ")}`, Code.InvalidArgument);
    }
    return err;
  }
  if (err instanceof NotFoundError) return new ConnectError(err.message, Code.NotFound, undefined, undefined, err);
  if (err instanceof PreconditionError) {
    return new ConnectError(err.message, Code.FailedPrecondition, undefined, undefined, err);
  }
  if (err instanceof ContentionError) return new ConnectError(err.message, Code.Aborted, undefined, undefined, err);
  if (err instanceof InvalidPageTokenError) {
    return new ConnectError(`page_token ${err.message.replace(/^page_token /, "")}`, Code.InvalidArgument);
  }
  if (err instanceof RequestIdReusedError) return new ConnectError(err.message, Code.AlreadyExists, undefined, undefined, err);
  if (err instanceof InstanceExistsError) return new ConnectError(err.message, Code.AlreadyExists);
  if (err instanceof StoreUnavailableError) {
    return new ConnectError(`storage is unavailable - ${err.message} - retry later`, Code.Unavailable, undefined, undefined, err);
  }
  return new ConnectError("internal error", Code.Internal, undefined, undefined, err);
}
