export { LegacyFrameError, readLegacyFrame, type LegacyFrame } from './legacy-frame.js';
export { LegacyVideoRemuxer, type Remuxed } from './legacy-video-remuxer.js';
export { avcConfigFrom, lengthPrefixed, splitAnnexB } from './h264-annexb.js';
export { fromHex } from './hex.js';
