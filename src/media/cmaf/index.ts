export * from './cmaf-types.js';
export { Fmp4Error, type Fmp4ErrorCode } from './fmp4-error.js';
export {
  isSyncSample,
  parseFragment,
  summarizeFragment,
  type FragmentSummary,
} from './fragment-parser.js';
export { parseInit, parseInitTracks } from './init-parser.js';
export { readInitTrack } from './init-reader.js';
export { DEFAULT_MAX_BOX_BYTES, Fmp4Splitter, type Fmp4SplitterOptions } from './fmp4-splitter.js';
export { splitFmp4 } from './split-fmp4.js';
export { muxInits, setTrackId } from './init-muxer.js';
export { rewritePrft } from './prft-writer.js';
export { AnchoredClock } from './anchored-clock.js';
export { shiftDecodeTime } from './decode-time.js';
export { withoutTopLevelBoxes } from './box-filter.js';
export { concatBytes, view } from './box-reader.js';
export {
  TRACK_ID,
  box,
  fragment,
  fullBox,
  prftBox,
  singleTrackInit,
  u16,
  u32,
  u8,
  videoInit,
  zeros,
  type VideoInitOptions,
} from './mp4-writer.js';
