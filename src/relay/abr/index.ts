// Server-side ABR: per viewer, the relay picks a rendition of a switching set group by group
// from that viewer's own link figures. See docs/server-side-abr.md.
export { BandwidthEstimator, type LinkEstimate, type LinkStats } from './bandwidth-estimator.js';
export { LinkMonitor } from './link-monitor.js';
export {
  RenditionSelector,
  type Choice,
  type SelectorOptions,
  type SwitchReason,
} from './rendition-selector.js';
export {
  SwitchingTrack,
  type RenditionSwitch,
  type SwitchingState,
  type SwitchingTrackOptions,
} from './switching-track.js';
