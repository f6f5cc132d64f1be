export {
  AUDIO_PRIORITY,
  CATALOG_PRIORITY,
  MediaPackager,
  VIDEO_PRIORITY,
  type MediaPackagerOptions,
} from './media-packager.js';
export type { PackagerTrackMeta, TrackStats } from './packaged-track.js';
export { PackagerError, type PackagerErrorCode } from './packager-error.js';
export {
  audioGroupPlanner,
  videoGroupPlanner,
  type GroupPlan,
  type GroupPlanner,
} from './group-planner.js';
export { RateMeter } from './rate-meter.js';
export { readMedia, type MediaGap, type MediaObject } from './media-reader.js';
export { ProducerClock } from './producer-clock.js';
export {
  VIDEO_ALT_GROUP,
  encodedTrackMeta,
  untilProducerEnds,
  type EncodedTrackInfo,
} from './encoded-track.js';
