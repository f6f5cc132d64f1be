import type { Distribution } from './percentiles.js';

/** The browser's first pages: each one's navigation → first frame, by the page's frame probe. */
export interface FirstPages {
  /** Every first page's time, the measured page's first. */
  samplesMs: number[];
  p50Ms: number;
}

/** One player's figures over the measured window, as the report prints them. */
export interface PlayerResult {
  name: string;
  /**
   * Page navigation start → first frame presented: the measured page, the browser's first (a
   * probe reading the player's frame count at each animation frame).
   */
  joinMs: number;
  /**
   * BENCH_JOINS visits after it (first visits, or returning viewers with BENCH_JOINS_WARM=1): their
   * median navigation → first frame, by the player's own marks (`p50Ms`; HLS has none) and by
   * the page's frame probe (`probeP50Ms`, alike for both players).
   */
  joins?: { count: number; warm: boolean; p50Ms?: number; probeP50Ms?: number | undefined };
  /** BENCH_FIRST_PAGES more browsers' first pages, the measured one first (see first-pages.ts). */
  firstPages?: FirstPages;
  /** Glass-to-glass latency samples, taken every SAMPLE_INTERVAL_MS. */
  latency: Distribution;
  framesPerSecond: number;
  stalls: number;
  maxGapMs: number;
  /**
   * The live encoder's speed as a multiple of real time at the end, when known. Below 1 the
   * stream falls ever further behind its source, and latency from encoder-output timestamps
   * (prft) does not show it.
   */
  encoderSpeed?: number;
  /** Tables printed after the summary (the MoQ player's join steps and latency hops). */
  tables?: string[][];
  /** Anything the reader needs to weigh the figures (rendition, clock caveats). */
  notes: string[];
}

/** How often latency is sampled from the page. */
export const SAMPLE_INTERVAL_MS = 200;
