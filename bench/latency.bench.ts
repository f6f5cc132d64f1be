/**
 * `npm run bench:latency`: our MoQ pipeline (moq-pub → moq-relay → the /watch player) against
 * an HLS baseline from the same ffmpeg settings (ffmpeg → HLS files → static server → hls.js),
 * both played in the same headless Chromium on loopback: join time, glass-to-glass latency
 * percentiles, frame rate, stalls; and the encoder ladder's speed against real time.
 * BENCH_SECONDS=60 (per player), BENCH_ONLY=hls|moq|encoder, BENCH_JOINS=N (N more MoQ first
 * visits after the measured one: the join's p50 / p95 per step; BENCH_JOINS_WARM=1 returning
 * viewers instead, BENCH_JOIN_KBIT / BENCH_JOIN_RTT_MS a throttled link for the page's HTTP),
 * BENCH_FIRST_PAGES=N (N more freshly launched browsers per player, each timed on its first page:
 * the browser's first page as a median of N + 1 instead of one sample).
 */
import { loadavg } from 'node:os';
import { runEncoder } from './latency/encoder-run.js';
import { runHls } from './latency/hls-run.js';
import { runMoq } from './latency/moq-run.js';
import { formatReport, type BenchResults } from './latency/report.js';

type Part = 'moq' | 'hls' | 'encoder';
const PARTS: readonly Part[] = ['moq', 'hls', 'encoder'];

function selectedParts(): Part[] {
  const only = process.env.BENCH_ONLY;
  if (!only) return [...PARTS];
  const parts = only.split(',').filter((p): p is Part => (PARTS as readonly string[]).includes(p));
  if (parts.length === 0)
    throw new RangeError(`BENCH_ONLY must name ${PARTS.join(', ')}, not "${only}"`);
  return parts;
}

/** A failed part is reported in the table, so the other parts' figures still count. */
async function attempt<T>(label: string, run: () => Promise<T>): Promise<T | Error> {
  const load = loadavg()[0]?.toFixed(2) ?? '?';
  console.log(`${label}: running (load average ${load} on this machine)…`);
  try {
    const result = await run();
    console.log(`${label}: done`);
    return result;
  } catch (error) {
    console.log(`${label}: failed: ${String(error)}`);
    return error instanceof Error ? error : new Error(String(error));
  }
}

const seconds = Number(process.env.BENCH_SECONDS ?? 60);
const parts = selectedParts();
const results: BenchResults = { seconds };
// One after the other, so no part takes CPU from another's measurement.
if (parts.includes('moq')) results.moq = await attempt('MoQ', () => runMoq(seconds));
if (parts.includes('hls')) results.hls = await attempt('HLS', () => runHls(seconds));
if (parts.includes('encoder')) results.encoder = await attempt('encoder', () => runEncoder());
console.log(formatReport(results));
process.exit(0);
