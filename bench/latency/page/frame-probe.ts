/**
 * Runs in the page (bundled by esbuild): watches the first `<video>` to appear and counts
 * presented frames with requestVideoFrameCallback, the same way for the HLS page and our player,
 * so join time, frame rate and stalls are measured alike on both sides.
 */
import { STALL_GAP_MS, type ProbeSnapshot } from '../probe-types.js';

declare global {
  interface Window {
    benchProbe?: { snapshot: () => ProbeSnapshot };
  }
}

interface ProbeState {
  video: HTMLVideoElement | undefined;
  firstFrameMs: number | null;
  lastFrameMs: number;
  frames: number;
  stalls: number;
  maxGapMs: number;
  waitingEvents: number;
}

const state: ProbeState = {
  video: undefined,
  firstFrameMs: null,
  lastFrameMs: 0,
  frames: 0,
  stalls: 0,
  maxGapMs: 0,
  waitingEvents: 0,
};

function onFrame(video: HTMLVideoElement, now: number): void {
  if (state.firstFrameMs === null) state.firstFrameMs = now;
  else {
    const gap = now - state.lastFrameMs;
    state.maxGapMs = Math.max(state.maxGapMs, gap);
    if (gap > STALL_GAP_MS) state.stalls++;
  }
  state.frames++;
  state.lastFrameMs = now;
  video.requestVideoFrameCallback((t) => onFrame(video, t));
}

function attach(video: HTMLVideoElement): void {
  state.video = video;
  video.addEventListener('waiting', () => {
    if (state.firstFrameMs !== null) state.waitingEvents++;
  });
  video.requestVideoFrameCallback((t) => onFrame(video, t));
}

/** The player may create its video element late, so look until one exists. */
function findVideo(): void {
  const video = document.querySelector('video');
  if (video) attach(video);
  else setTimeout(findVideo, 20);
}

export function installFrameProbe(): void {
  window.benchProbe = {
    snapshot: () => ({
      attached: state.video !== undefined,
      firstFrameMs: state.firstFrameMs,
      frames: state.frames,
      stalls: state.stalls,
      maxGapMs: state.maxGapMs,
      waitingEvents: state.waitingEvents,
      nowMs: performance.now(),
    }),
  };
  findVideo();
}
