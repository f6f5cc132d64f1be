import type { ProbeSnapshot } from './probe-types.js';

/** Frame rate and stalls between two probe snapshots of the same page. */
export function probeFigures(
  first: ProbeSnapshot,
  last: ProbeSnapshot,
): { framesPerSecond: number; stalls: number } {
  const seconds = (last.nowMs - first.nowMs) / 1000;
  return {
    framesPerSecond: seconds > 0 ? (last.frames - first.frames) / seconds : NaN,
    stalls: last.stalls - first.stalls,
  };
}
