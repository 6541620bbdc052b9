// Throwaway PKI for TLS tests, made with the openssl CLI in a temp dir at test time (nothing is
// committed): a CA, a server certificate for 127.0.0.1/localhost, a client certificate from the
// same CA, and a client certificate from an unrelated CA. EC P-256 keys, valid for one day.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

// Our own config file, so the result does not depend on the system's openssl.cnf.
const CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
# clientAuth too, as Vault and SPIFFE issue by default: the health check presents the server's
# own certificate when mTLS is on.
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
`;

export interface Pem {
  cert: Buffer;
  key: Buffer;
  certFile: string;
  keyFile: string;
}

export interface TestCerts {
  dir: string;
  ca: Pem;
  server: Pem;
  /** Signed by `ca`. */
  client: Pem;
  /** Signed by a CA the server does not trust. */
  strangerClient: Pem;
  /** KEEL_TLS_* for startTestServer's env; with mtls, client certificates from `ca` are required. */
  env(options?: { mtls?: boolean }): Record<string, string>;
  remove(): Promise<void>;
}

export async function makeTestCerts(): Promise<TestCerts> {
  const dir = await mkdtemp(path.join(tmpdir(), "keel-tls-"));
  const config = path.join(dir, "openssl.cnf");
  await writeFile(config, CONFIG);
  const file = (name: string): string => path.join(dir, name);
  const openssl = (...args: string[]): Promise<unknown> => run("openssl", args);
  const newKey = (name: string): Promise<unknown> =>
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file(`${name}.key`));

  let serial = 1;
  async function selfSigned(name: string, cn: string): Promise<void> {
    await newKey(name);
    await openssl("req", "-new", "-x509", "-config", config, "-extensions", "ca", "-key", file(`${name}.key`),
      "-subj", `/CN=${cn}`, "-days", "1", "-set_serial", String(serial++), "-out", file(`${name}.crt`));
  }
  async function issued(name: string, cn: string, by: string, extensions: string): Promise<void> {
    await newKey(name);
    await openssl("req", "-new", "-config", config, "-key", file(`${name}.key`), "-subj", `/CN=${cn}`, "-out", file(`${name}.csr`));
    await openssl("x509", "-req", "-in", file(`${name}.csr`), "-CA", file(`${by}.crt`), "-CAkey", file(`${by}.key`),
      "-set_serial", String(serial++), "-days", "1", "-extfile", config, "-extensions", extensions, "-out", file(`${name}.crt`));
  }

  await selfSigned("ca", "Keel Test CA");
  await selfSigned("stranger-ca", "Some Other CA");
  await issued("server", "localhost", "ca", "server");
  await issued("client", "test client", "ca", "client");
  await issued("stranger-client", "stranger", "stranger-ca", "client");

  const pem = async (name: string): Promise<Pem> => ({
    cert: await readFile(file(`${name}.crt`)),
    key: await readFile(file(`${name}.key`)),
    certFile: file(`${name}.crt`),
    keyFile: file(`${name}.key`),
  });
  const ca = await pem("ca");
  const server = await pem("server");
  return {
    dir,
    ca,
    server,
    client: await pem("client"),
    strangerClient: await pem("stranger-client"),
    env: (options = {}) => ({
      KEEL_TLS_CERT_FILE: server.certFile,
      KEEL_TLS_KEY_FILE: server.keyFile,
      ...(options.mtls ? { KEEL_TLS_CLIENT_CA_FILE: ca.certFile } : {}),
    }),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
