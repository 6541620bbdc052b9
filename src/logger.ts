import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

/** Structured JSON logs (stdout unless given a destination); levels by name ("level":"info"), as log pipelines expect. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service: "keel" }, formatters: { level: (label: string) => ({ level: label }) } };
  return destination ? pino(options, destination) : pino(options);
}
