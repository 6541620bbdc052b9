// The API key tests authenticate with by default: one random key per test process (per test
// file), the bootstrap key (KEEL_BOOTSTRAP_KEY) of every server that test/support starts, so
// clientsFor(), grpcClients() and servers sharing one store all agree on it.
import { generateApiKey } from "../../src/auth/api-key.js";

export { bearer } from "../../src/auth/key-format.js";

export const TEST_API_KEY: string = generateApiKey().token;
