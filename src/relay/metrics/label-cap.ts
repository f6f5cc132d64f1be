/** The label value that stands for every broadcast beyond the top N. */
export const OTHER_LABEL = 'other';

/**
 * The label values to keep: the `max` keys with the highest counts (ties by name, so a scrape
 * is stable), the rest folded into `other` by the caller. Bounds a label's cardinality whatever
 * the number of broadcasts.
 */
export function topLabels(counts: ReadonlyMap<string, number>, max: number): Set<string> {
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return new Set(ranked.slice(0, Math.max(0, max)).map(([key]) => key));
}

/** The label a key gets: itself when kept, `other` when not. */
export function labelFor(key: string, kept: ReadonlySet<string>): string {
  return kept.has(key) ? key : OTHER_LABEL;
}
