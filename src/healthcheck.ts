// Container health check: asks this process's own grpc.health.v1.Health over Connect JSON
// (HTTP/1.1), exiting 0 only when the server reports SERVING.
import * as http from "node:http";
import { loadConfig } from "./config.js";

const { port } = loadConfig();
const req = http.request(
  {
    host: "127.0.0.1",
    port,
    method: "POST",
    path: "/grpc.health.v1.Health/Check",
    headers: { "content-type": "application/json" },
    timeout: 2000,
  },
  (res) => {
    let body = "";
    res.on("data", (chunk: Buffer) => (body += chunk.toString()));
    res.on("end", () => process.exit(res.statusCode === 200 && body.includes('"SERVING"') ? 0 : 1));
  },
);
req.on("error", () => process.exit(1));
req.on("timeout", () => req.destroy());
req.end("{}");
