import type { Health } from './MetricChart.js';

/** OBS marks the frame rate red below 80 % of its target. */
export function fpsHealth(fps: number | null, target: number | undefined): Health {
  if (fps === null || target === undefined) return 'idle';
  if (fps < 0.8 * target) return 'bad';
  if (fps < 0.95 * target) return 'warn';
  return 'ok';
}

/** Below real time the broadcast falls behind and latency grows. */
export function speedHealth(speed: number | null): Health {
  if (speed === null) return 'idle';
  if (speed < 0.9) return 'bad';
  if (speed < 0.97) return 'warn';
  return 'ok';
}

/** OBS: dropped frames red above 5 %, yellow above 1 %. */
export function dropHealth(percent: number | null): Health {
  if (percent === null) return 'idle';
  if (percent > 5) return 'bad';
  if (percent > 1) return 'warn';
  return 'ok';
}

export function bitrateHealth(bps: number | null, live: boolean): Health {
  if (bps === null) return 'idle';
  return bps === 0 && live ? 'bad' : 'ok';
}

/** Thresholds for a figure where higher is worse (RTT, latency). */
export function ceilingHealth(value: number | null, warn: number, bad: number): Health {
  if (value === null) return 'idle';
  if (value > bad) return 'bad';
  if (value > warn) return 'warn';
  return 'ok';
}
