// Container health check: asks this process's own grpc.health.v1.Health over Connect JSON
// (HTTP/1.1), exiting 0 only when the server reports SERVING. The first argument names the health
// service to ask (default "", the whole server); Kubernetes under mutual TLS, where the kubelet
// cannot probe, runs it with the liveness and the readiness names (deploy/helm/keel).
//
// With TLS on (KEEL_TLS_CERT_FILE/KEY_FILE) it speaks HTTPS to the same loopback port. It does
// not verify the server's certificate: it dials 127.0.0.1 inside the server's own container,
// where there is nobody to impersonate, and the certificate names the public host anyway.
// With mTLS on (KEEL_TLS_CLIENT_CA_FILE) the server refuses clients without a certificate, so
// the check presents the server's own certificate and key; that works when the client CA also
// issued the server certificate for client authentication (no extended key usage, or both
// serverAuth and clientAuth, as Vault, cert-manager and SPIFFE issue by default). Otherwise the
// check fails and says why on stderr (shown by `docker inspect`).
import * as http from "node:http";
import * as https from "node:https";
import { loadConfig } from "./config.js";

const { port, tls } = loadConfig();
const service = process.argv[2] ?? "";
const options: https.RequestOptions = {
  host: "127.0.0.1",
  port,
  method: "POST",
  path: "/grpc.health.v1.Health/Check",
  headers: { "content-type": "application/json" },
  timeout: 2000,
};
const onResponse = (res: http.IncomingMessage): void => {
  let body = "";
  res.on("data", (chunk: Buffer) => (body += chunk.toString()));
  res.on("end", () => process.exit(res.statusCode === 200 && body.includes('"SERVING"') ? 0 : 1));
};
const req = tls
  ? https.request(
      { ...options, rejectUnauthorized: false, ...(tls.clientCa ? { cert: tls.cert, key: tls.key } : {}) },
      onResponse,
    )
  : http.request(options, onResponse);
req.on("error", (err) => {
  const hint = tls?.clientCa ? " (mTLS: the server's own certificate must be accepted as a client certificate)" : "";
  process.stderr.write(`keel healthcheck: ${err.message}${hint}\n`);
  process.exit(1);
});
req.on("timeout", () => req.destroy());
req.end(JSON.stringify({ service }));
