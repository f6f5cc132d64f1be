import type { StudioStats } from '../../studio/studio-api.js';

/** The charts show the last minute at the engine's 1 Hz. */
export const HISTORY_LENGTH = 60;

/** Appends a sample, keeping the newest HISTORY_LENGTH (a new array, for React state). */
export function pushSample(history: readonly StudioStats[], sample: StudioStats): StudioStats[] {
  const next = [...history, sample];
  return next.length > HISTORY_LENGTH ? next.slice(next.length - HISTORY_LENGTH) : next;
}

/** One figure over time; null where a sample does not have it (gaps in the line). */
export type Series = Array<number | null>;

export function seriesOf(
  history: readonly StudioStats[],
  pick: (sample: StudioStats) => number | null | undefined,
): Series {
  return history.map((sample) => pick(sample) ?? null);
}

/** A rendition's figure over time (null while that rendition was absent). */
export function renditionSeries(
  history: readonly StudioStats[],
  name: string,
  pick: (r: StudioStats['renditions'][number]) => number | null,
): Series {
  return seriesOf(history, (s) => {
    const rendition = s.renditions.find((r) => r.name === name);
    return rendition ? pick(rendition) : null;
  });
}

/** The newest non-null value of a series. */
export function latest(series: Series): number | null {
  for (let i = series.length - 1; i >= 0; i--) {
    const value = series[i];
    if (value !== null && value !== undefined) return value;
  }
  return null;
}

/** Per-second increase of a running counter (drops since the last sample). */
export function deltas(series: Series): Series {
  return series.map((value, i) => {
    const before = i > 0 ? series[i - 1] : null;
    if (value === null || before === null || before === undefined) return null;
    return Math.max(0, value - before);
  });
}
