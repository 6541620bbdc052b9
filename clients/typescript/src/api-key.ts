// Sending the API key. The SDK does not parse keys (their format is the server's business, and a
// malformed key is answered with UNAUTHENTICATED and the reason); it only checks that the value
// can travel in an HTTP header.
import type { Interceptor } from "@connectrpc/connect";

/** The option, else KEEL_API_KEY; surrounding whitespace (a newline from a file) is dropped. */
export function resolveApiKey(option: string | undefined): string {
  const key = (option ?? process.env.KEEL_API_KEY ?? "").trim();
  // Header values must be visible ASCII; say so now rather than on the first call.
  if (key !== "" && !/^[\x21-\x7e]+$/.test(key)) {
    throw new TypeError("apiKey must be printable ASCII without spaces (a Keel key looks like keel_<16 hex>_<43 base64url>)");
  }
  return key;
}

/** Sends `authorization: Bearer <key>` on every call, unary and streaming. */
export function apiKeyInterceptor(apiKey: string): Interceptor {
  const value = `Bearer ${apiKey}`;
  return (next) => (req) => {
    req.header.set("authorization", value);
    return next(req);
  };
}
