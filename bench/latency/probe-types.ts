/**
 * What the in-page frame probe reports (bench/latency/page/frame-probe.ts). Times are
 * `performance.now()` milliseconds, i.e. since the page's navigation started.
 */
export interface ProbeSnapshot {
  /** Whether a `<video>` was found and is being watched. */
  attached: boolean;
  /** When the first frame was presented (requestVideoFrameCallback), since navigation start. */
  firstFrameMs: number | null;
  /** Frames presented since the first one. */
  frames: number;
  /** Gaps between presented frames longer than STALL_GAP_MS after the first frame. */
  stalls: number;
  maxGapMs: number;
  /** `waiting` events after the first frame (the element ran out of data). */
  waitingEvents: number;
  /** performance.now() at the snapshot, to turn frame counts into rates. */
  nowMs: number;
}

/** A pause this long between two presented frames counts as a stall (≈ 7 frames at 30 fps). */
export const STALL_GAP_MS = 250;
