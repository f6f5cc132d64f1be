// The relay cluster: relays claim the broadcasts they originate in a registry (Redis between
// machines, the primary process between the workers of one machine) and read each other's
// broadcasts over MoQ, one session per peer and one upstream subscription per track.
export { ClusterError } from './cluster-error.js';
export {
  DEFAULT_CLUSTER_GRACE_MS,
  type ClusterLogger,
  type ClusterOptions,
} from './cluster-options.js';
export type { ClusterRegistry, RegistryEntry, RegistrySnapshot } from './cluster-registry.js';
export { MemoryRegistry } from './memory-registry.js';
export { peerUrl } from './peer-pool.js';
export {
  DEFAULT_CLAIM_TTL_MS,
  DEFAULT_SCAN_INTERVAL_MS,
  RedisRegistry,
  type RedisRegistryOptions,
} from './redis-registry.js';
export { RelayCluster } from './relay-cluster.js';
export {
  IpcRegistry,
  serveRegistry,
  type RegistryRequest,
  type RegistryUpdate,
} from './ipc-registry.js';
