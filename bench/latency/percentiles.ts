export interface Distribution {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles; NaN everywhere when there are no samples. */
export function distribution(samples: readonly number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number): number =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: sorted.at(-1) ?? NaN };
}

/** Samples in the first SETTLE_SECONDS, while a player may still be catching up to its target. */
export const SETTLE_SECONDS = 5;

/** p50 before and after the settling time, for samples taken every `intervalMs`. */
export function settlingNote(samples: readonly number[], intervalMs: number): string {
  const cut = Math.round((SETTLE_SECONDS * 1000) / intervalMs);
  const early = distribution(samples.slice(0, cut)).p50;
  const settled = distribution(samples.slice(cut)).p50;
  return `latency p50 first ${SETTLE_SECONDS} s ${Math.round(early)} ms, after ${Math.round(settled)} ms`;
}
