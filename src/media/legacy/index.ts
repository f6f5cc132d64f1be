export { LegacyFrameError, readLegacyFrame, type LegacyFrame } from './legacy-frame.js';
