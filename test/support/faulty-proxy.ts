// A loopback TCP proxy between a client and Keel that can break the network on demand: swallow
// everything the server sends (so requests are processed but their answers are lost), cut every
// connection, or point new connections at another server.
import * as net from "node:net";

export class FaultyProxy {
  /** While true, bytes from the server are dropped instead of forwarded. */
  swallowResponses = false;
  /**
   * Checked on every chunk from the server: when it returns true the chunk is dropped and the
   * connection reset, so the client never sees that answer (e.g. once the server has committed).
   * It is then disarmed; `cuts` counts how often it fired.
   */
  cutResponseWhen: (() => boolean) | null = null;
  cuts = 0;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    /** Where new connections go. */
    public targetPort: number,
  ) {}

  static async start(targetPort: number): Promise<FaultyProxy> {
    const server = net.createServer();
    const proxy = new FaultyProxy(server, targetPort);
    server.on("connection", (client) => proxy.accept(client));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Resets every open connection (the client sees ECONNRESET). */
  cutAll(): void {
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect(this.targetPort, "127.0.0.1");
    this.sockets.add(client);
    this.sockets.add(upstream);
    client.on("data", (chunk) => upstream.write(chunk));
    upstream.on("data", (chunk) => {
      if (this.cutResponseWhen?.()) {
        this.cutResponseWhen = null;
        this.cuts++;
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      if (!this.swallowResponses) client.write(chunk);
    });
    const teardown = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    for (const s of [client, upstream]) {
      s.on("error", teardown);
      s.on("close", teardown);
    }
  }
}
