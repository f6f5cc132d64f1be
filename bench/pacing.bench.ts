/**
 * Keyframe bursts through a shallow bottleneck, paced and unpaced side by side: a QUIC server here
 * streams 30 frames a second (a keyframe every second) to a reader in a network namespace behind
 * a rate-limited link with a short queue and a round trip of its own; the two modes alternate,
 * BENCH_ROUNDS times. Prints per run and per mode: packets lost by the sender, keyframe and
 * delta-frame delivery time (send → last byte at the reader) p50/p95/max.
 * BENCH_RATE_KBIT (20000), BENCH_QUEUE_MS (5), BENCH_RTT_MS (40), BENCH_SECONDS (10),
 * BENCH_KEYFRAME_KB (150), BENCH_DELTA_KB (4), BENCH_ROUNDS (3). Needs root and iproute2.
 */
import { runKeyframeBurst, type BurstResult } from '../e2e/testbed/keyframe-burst.js';
import { defaultCongestionControl, type CongestionControl } from '../src/transport/quic/index.js';
import { NetnsLink, netnsAvailable } from '../e2e/testbed/netns-link.js';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const rateKbit = env('BENCH_RATE_KBIT', 20_000);
const queueMs = env('BENCH_QUEUE_MS', 5);
const rttMs = env('BENCH_RTT_MS', 40);
const seconds = env('BENCH_SECONDS', 10);
const keyframeBytes = env('BENCH_KEYFRAME_KB', 150) * 1024;
const deltaBytes = env('BENCH_DELTA_KB', 4) * 1024;
const rounds = env('BENCH_ROUNDS', 3);
/** The product's default (CUBIC, or MOQ_QUIC_CC) unless BENCH_CC=bbr|cubic|reno. */
const congestionControl = process.env.BENCH_CC as CongestionControl | undefined;

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function row(round: number, r: BurstResult): string {
  const ms = (values: number[]): string =>
    [50, 95, 100].map((p) => pct(values, p).toFixed(0)).join(' / ');
  const lostPct = ((100 * r.packetsLost) / Math.max(1, r.packetsSent)).toFixed(2);
  return `| ${round} | ${r.pacing ? 'paced' : 'unpaced'} | ${r.packetsLost} / ${r.packetsSent} (${lostPct} %) | ${ms(r.keyframeDelaysMs)} | ${ms(r.deltaDelaysMs)} | ${r.delivered} / ${r.frames} |`;
}

async function main(): Promise<void> {
  if (!(await netnsAvailable())) throw new Error('bench:pacing needs root, iproute2 and tc');
  const link = await NetnsLink.create({ rateKbit, queueMs });
  const lines: string[] = [];
  const all: BurstResult[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? [false, true] : [true, false];
      for (const pacing of order) {
        console.error(`round ${round}: ${pacing ? 'paced' : 'unpaced'} …`);
        const result = await runKeyframeBurst(link, {
          seconds,
          keyframeBytes,
          deltaBytes,
          pacing,
          rttMs,
          congestionControl,
        });
        all.push(result);
        lines.push(row(round, result));
      }
    }
  } finally {
    await link.close();
  }
  console.log(
    `\n${congestionControl ?? `${defaultCongestionControl()} (the default)`}; link ${rateKbit} kbit/s, queue ${queueMs} ms, round trip ${rttMs} ms; ${seconds} s of 30 fps, keyframe ${keyframeBytes / 1024} KiB every second, deltas ${deltaBytes / 1024} KiB\n`,
  );
  console.log(
    '| round | sender | packets lost | keyframe ms p50 / p95 / max | delta ms p50 / p95 / max | frames delivered |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const line of lines) console.log(line);
  for (const pacing of [false, true]) {
    const runs = all.filter((r) => r.pacing === pacing);
    const lost = runs.reduce((s, r) => s + r.packetsLost, 0);
    const sent = runs.reduce((s, r) => s + r.packetsSent, 0);
    const key = runs.flatMap((r) => r.keyframeDelaysMs).sort((a, b) => a - b);
    console.log(
      `${pacing ? 'paced  ' : 'unpaced'}: lost ${lost} / ${sent} packets, keyframe p50 ${pct(key, 50).toFixed(0)} ms p95 ${pct(key, 95).toFixed(0)} ms`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
