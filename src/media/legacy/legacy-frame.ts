import { readVarint } from '../../coding/index.js';

/**
 * One object of hang's `legacy` container (`@moq/hang` container/legacy): a QUIC varint
 * presentation timestamp in microseconds, then one raw codec frame (H.264 Annex-B or
 * length-prefixed, AAC, Opus…). Each group starts with a keyframe, so object 0 is one.
 */
export interface LegacyFrame {
  timestampUs: number;
  payload: Uint8Array;
}

export class LegacyFrameError extends Error {
  override readonly name = 'LegacyFrameError';
  readonly code = 'MALFORMED';
}

/** Splits a legacy object; an empty payload is hang's end-of-content marker (no frame). */
export function readLegacyFrame(object: Uint8Array): LegacyFrame | undefined {
  let timestamp;
  try {
    timestamp = readVarint(object, 0);
  } catch (error) {
    throw new LegacyFrameError(`legacy frame timestamp: ${String(error)}`);
  }
  if (!timestamp) throw new LegacyFrameError('legacy frame shorter than its timestamp');
  const payload = object.subarray(timestamp.size);
  if (payload.byteLength === 0) return undefined;
  return { timestampUs: timestamp.value, payload };
}
