// Domain errors of the contract core; the RPC layer maps them to status codes.

/** A contract failed validation; nothing was stored. */
export class InvalidContractError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`the contract is invalid - ${problems.length} problem${problems.length === 1 ? "" : "s"}\n${problems.join("\n")}`);
    this.name = "InvalidContractError";
  }
}
