/** Closer than this to the running schedule, a buffer joins it gaplessly instead of resyncing. */
export const CONTINUITY_S = 0.03;

/**
 * Where a decoded audio buffer goes, given the context time its timestamp is due at (`whenS`),
 * the end of what is scheduled (`nextStartS`) and the context's time now:
 * - `join`: right after the scheduled audio (it drifted less than CONTINUITY_S);
 * - `skip`: the live clock moved earlier (it is letting a margin go) while audio still plays:
 *   dropping one buffer catches up by its duration, where starting it at its due time would
 *   play it over the one still playing;
 * - `late`: its time has passed (nothing is playing to join);
 * - `anchor`: at its due time (the first buffer, or after a gap or a pause the clock took).
 */
export type AudioPlacement = 'join' | 'skip' | 'late' | 'anchor';

export function placeAudio(whenS: number, nextStartS: number, nowS: number): AudioPlacement {
  const driftS = whenS - nextStartS;
  if (Math.abs(driftS) < CONTINUITY_S) return 'join';
  if (driftS < 0 && nextStartS > nowS) return 'skip';
  if (whenS < nowS) return 'late';
  return 'anchor';
}
