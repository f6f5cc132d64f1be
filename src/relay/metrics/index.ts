// Relay metrics: Prometheus figures (/metrics), per-viewer quality per broadcast, and the
// `.stats` track the relay serves beside each broadcast. See docs/operations.md.
export type { BroadcastViewerStats } from './broadcast-viewer-stats.js';
export { OTHER_LABEL } from './label-cap.js';
export { QualitySampler, SAMPLE_INTERVAL_MS } from './quality-sampler.js';
export {
  DEFAULT_MAX_BROADCAST_LABELS,
  RelayMetrics,
  type MetricsSource,
  type RelayMetricsOptions,
} from './relay-metrics.js';
export {
  SessionRecord,
  trackSwitching,
  type SwitchingViewing,
  type ViewerLink,
} from './session-record.js';
export { STATS_TRACK, currentViewings, type Viewing } from './viewings.js';
