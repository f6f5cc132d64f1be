export { Origin, OriginError, type Announcement } from './origin.js';
export { Relay } from './relay.js';
export {
  DEFAULT_LIMITS,
  RELAY_PROTOCOLS,
  type RelayLimits,
  type RelayLogger,
  type RelayOptions,
} from './relay-options.js';
export { hasPrefix, namespaceKey, namespacePath, type Namespace } from './namespace.js';
export * from './auth/index.js';
export {
  RelayMetrics,
  STATS_TRACK,
  type BroadcastViewerStats,
  type RelayMetricsOptions,
} from './metrics/index.js';
