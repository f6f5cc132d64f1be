/**
 * Runs in the page (bundled by esbuild): for our player, which renders WebCodecs frames to a
 * canvas (no `<video>` to watch), reads `window.moqPlayer.stats().framesRendered` on every
 * animation frame. Gives join time from navigation start (the player's own `joinMs` starts at
 * its start()), and stalls at animation-frame resolution, comparable with the frame probe.
 */
import { STALL_GAP_MS, type ProbeSnapshot } from '../probe-types.js';

declare global {
  interface Window {
    benchRenderProbe?: { snapshot: () => ProbeSnapshot };
  }
}

/** Only the part of our player's stats this probe needs; the full shape is checked in Node. */
interface CountingPlayer {
  stats: () => { framesRendered: number };
}

const state = {
  attached: false,
  firstFrameMs: null as number | null,
  frames: 0,
  changedAtMs: 0,
  stalled: false,
  stalls: 0,
  maxGapMs: 0,
};

function player(): CountingPlayer | undefined {
  return (window as unknown as { moqPlayer?: CountingPlayer }).moqPlayer;
}

function onAnimationFrame(now: number): void {
  const stats = player()?.stats();
  if (stats) {
    state.attached = true;
    if (stats.framesRendered > state.frames) {
      state.firstFrameMs ??= now;
      state.frames = stats.framesRendered;
      state.changedAtMs = now;
      state.stalled = false;
    } else if (state.firstFrameMs !== null) {
      const gap = now - state.changedAtMs;
      state.maxGapMs = Math.max(state.maxGapMs, gap);
      if (!state.stalled && gap > STALL_GAP_MS) {
        state.stalled = true;
        state.stalls++;
      }
    }
  }
  requestAnimationFrame(onAnimationFrame);
}

export function installRenderProbe(): void {
  window.benchRenderProbe = {
    snapshot: () => ({
      attached: state.attached,
      firstFrameMs: state.firstFrameMs,
      frames: state.frames,
      stalls: state.stalls,
      maxGapMs: state.maxGapMs,
      waitingEvents: 0,
      nowMs: performance.now(),
    }),
  };
  requestAnimationFrame(onAnimationFrame);
}
