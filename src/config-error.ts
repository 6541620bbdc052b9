// A configuration mistake the operator must fix: main.ts prints it as one line and exits 2.
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}
