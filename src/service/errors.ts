// Domain errors of the service layer; the RPC layer maps each to one status code.

/** The named agent does not exist (or is not visible to the caller). */
export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
    this.name = "NotFoundError";
  }
}

/** The request is well-formed but the agent's state does not allow it. */
export class PreconditionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PreconditionError";
  }
}

/** Concurrent writers kept winning; the caller may retry. */
export class ContentionError extends Error {
  constructor(instanceId: string, attempts: number) {
    super(`instance ${instanceId} was changed concurrently ${attempts} times in a row; retry the call`);
    this.name = "ContentionError";
  }
}

/** A request id already committed for this agent with a different request; nothing was processed. */
export class RequestIdReusedError extends Error {
  constructor(requestId: string, instanceId: string) {
    super(`request_id "${requestId}" was already used for a different request on ${instanceId} - send a new request_id`);
    this.name = "RequestIdReusedError";
  }
}
