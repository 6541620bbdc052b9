// Health from the driver's own server monitoring: healthy while some server accepts writes.
// The monitor polls every heartbeatFrequencyMS (FerretDB has no streaming hello), and a failed
// operation marks the server unknown at once, so both directions are noticed quickly.
import type { MongoClient, TopologyDescriptionChangedEvent } from "mongodb";

export class HealthMonitor {
  #healthy = true;
  readonly #listeners: ((healthy: boolean) => void)[] = [];

  readonly #onTopology = (event: TopologyDescriptionChangedEvent) => {
    this.#set([...event.newDescription.servers.values()].some((server) => server.isWritable));
  };

  constructor(private readonly client: MongoClient) {
    client.on("topologyDescriptionChanged", this.#onTopology);
  }

  /** Stops listening, so closing the client is not reported as an outage. */
  stop(): void {
    this.client.off("topologyDescriptionChanged", this.#onTopology);
  }

  healthy(): boolean {
    return this.#healthy;
  }

  onChange(listener: (healthy: boolean) => void): void {
    this.#listeners.push(listener);
  }

  #set(healthy: boolean): void {
    if (healthy === this.#healthy) return;
    this.#healthy = healthy;
    for (const listener of this.#listeners) listener(healthy);
  }
}
