import type { PackagerTrackMeta } from './packaged-track.js';

/** The video ladder is one switching set (CMSF §Switching sets): one altGroup for all. */
export const VIDEO_ALT_GROUP = 1;

/** What the packager needs to know of one encoder output (an encoder-node EncodedOutput). */
export interface EncodedTrackInfo {
  name: string;
  role: 'video' | 'audio';
  bitrateBps: number;
  rendition?: { framerate: number };
}

/** The catalog facts of an encoder output: its rendition's label and rate, the ladder's group. */
export function encodedTrackMeta(output: EncodedTrackInfo): PackagerTrackMeta {
  return {
    name: output.name,
    role: output.role,
    label: output.name,
    bitrateBps: output.bitrateBps,
    ...(output.rendition ? { framerate: output.rendition.framerate } : {}),
    ...(output.role === 'video' ? { altGroup: VIDEO_ALT_GROUP } : {}),
  };
}

/**
 * An output's bytes, then its producer's fate: a clean exit ends the track cleanly, a crash
 * ends it with the crash's reason, so viewers learn why the broadcast stopped.
 */
export async function* untilProducerEnds(
  stream: AsyncIterable<Uint8Array>,
  ended: Promise<void>,
): AsyncGenerator<Uint8Array> {
  yield* stream;
  await ended;
}
