import type { Namespace } from '../namespace.js';

/** One broadcast in the cluster: its namespace and the URL of the relay that originates it. */
export interface RegistryEntry {
  namespace: Namespace;
  node: string;
}

/** Every broadcast the registry knows, by namespaceKey; handed out whole on each change. */
export type RegistrySnapshot = ReadonlyMap<string, RegistryEntry>;

/**
 * Where the relays of a cluster say which broadcasts they originate: Redis between machines,
 * the primary process between the workers of one machine. A registry keeps its own claims alive
 * (TTL refresh, re-claim after an outage) until released; a registry that cannot reach its store
 * keeps the last snapshot it had and says nothing, so local serving never stops for it.
 */
export interface ClusterRegistry {
  /** Claims `namespace` for `node` (the newest claim wins) until released or closed. */
  claim(namespace: Namespace, node: string): void;
  /** Drops a claim of ours; a newer claim by another node is left alone. */
  release(namespace: Namespace, node: string): void;
  /** Calls `listener` with the whole snapshot at once and after every change. */
  watch(listener: (snapshot: RegistrySnapshot) => void): () => void;
  /** Releases every claim (best effort) and stops. Safe to call twice. */
  close(): Promise<void>;
}
