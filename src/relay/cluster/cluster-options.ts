import type { ClusterRegistry } from './cluster-registry.js';

/** What the cluster logs through (the relay's logger fits). */
export interface ClusterLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface ClusterOptions {
  /** Where broadcasts are claimed and found: a RedisRegistry, or a MemoryRegistry member. */
  registry: ClusterRegistry;
  /** The URL by which peers reach this relay (http://host:port/ pins the certificate hash). */
  node: string;
  /** Ask this relay for every remote broadcast instead of its origin (multi-hop: edge → mid). */
  upstream?: string;
  /**
   * Token proving to peers that we are a relay of the cluster; sent as `?jwt=` on the peer URL
   * (the relay's JWT auth checks the `cluster: true` claim).
   */
  token?: string;
  /**
   * How long a remote track waits for its broadcast to come back (the publisher reconnecting to
   * any relay) before its viewers see the end.
   */
  graceMs?: number;
}

export const DEFAULT_CLUSTER_GRACE_MS = 5_000;
