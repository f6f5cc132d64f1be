import type { Distribution } from './percentiles.js';

/** One player's figures over the measured window, as the report prints them. */
export interface PlayerResult {
  name: string;
  /** Page navigation start → first frame presented. */
  joinMs: number;
  /** Glass-to-glass latency samples, taken every SAMPLE_INTERVAL_MS. */
  latency: Distribution;
  framesPerSecond: number;
  stalls: number;
  maxGapMs: number;
  /** Anything the reader needs to weigh the figures (rendition, clock caveats). */
  notes: string[];
}

/** How often latency is sampled from the page. */
export const SAMPLE_INTERVAL_MS = 200;
