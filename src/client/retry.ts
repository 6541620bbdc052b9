// Reading the server's "retry after" hint: a RESOURCE_EXHAUSTED error (a key over its quota)
// carries a google.rpc.RetryInfo detail with the delay after which the call may be repeated.
import { Code, ConnectError } from "@connectrpc/connect";
import { RetryInfoSchema } from "../../gen/google/rpc/error_details_pb.js";

/**
 * The delay, in milliseconds, after which a call refused with RESOURCE_EXHAUSTED may be retried,
 * from the error's google.rpc.RetryInfo detail; undefined when the error is something else or
 * carries no such detail (e.g. a message over the server's size limit, or a batch larger than the
 * key's burst: retrying cannot fix those).
 */
export function retryDelayMs(err: unknown): number | undefined {
  if (!(err instanceof ConnectError) || err.code !== Code.ResourceExhausted) return undefined;
  const [info] = err.findDetails(RetryInfoSchema);
  if (!info) return undefined;
  const delay = info.retryDelay;
  return delay ? Math.max(0, Number(delay.seconds) * 1000 + Math.ceil(delay.nanos / 1e6)) : 0;
}
