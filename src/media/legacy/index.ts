export { LegacyFrameError, readLegacyFrame, type LegacyFrame } from './legacy-frame.js';
export { LegacyVideoRemuxer, type Remuxed } from './legacy-video-remuxer.js';
export { LegacyAudioRemuxer, isLegacyAudioCodec } from './legacy-audio-remuxer.js';
export { opusPacketTicks } from './opus-packet.js';
export { avcConfigFrom, lengthPrefixed, splitAnnexB } from './h264-annexb.js';
export { fromHex } from './hex.js';
