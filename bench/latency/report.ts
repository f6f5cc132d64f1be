import { cpus, loadavg } from 'node:os';
import type { EncoderResult } from './encoder-run.js';
import type { PlayerResult } from './player-result.js';

/** The product goals the benchmark checks (DESIGN.md: "within a fraction of a second"). */
export const GOALS = {
  latencyP50Ms: 120,
  latencyP95Ms: 200,
  joinMs: 300,
  ladderRealtimeFactor: 1.5,
} as const;

export interface BenchResults {
  seconds: number;
  moq?: PlayerResult | Error;
  hls?: PlayerResult | Error;
  encoder?: EncoderResult | Error;
}

/**
 * Below this the live encoder is not keeping up. ffmpeg's speed is averaged since it started,
 * start-up included, so a live encoder that keeps up reads a little under 1× for a while.
 */
const REAL_TIME = 0.9;

const ms = (value: number): string => (Number.isFinite(value) ? `${Math.round(value)}` : '–');
const ratio = (a: number, b: number): string =>
  Number.isFinite(a / b) && b > 0 ? `${(a / b).toFixed(1)}×` : '–';
const verdict = (ok: boolean): string => (ok ? 'PASS' : 'MISS');

const cpuFactor = (encoder: EncoderResult): string =>
  encoder.cpuSeconds ? (encoder.mediaSeconds / encoder.cpuSeconds).toFixed(2) : '?';

function playerRow(result: PlayerResult): string {
  const l = result.latency;
  const cells = [
    result.name,
    ms(result.joinMs),
    ms(l.p50),
    ms(l.p95),
    ms(l.p99),
    ms(l.max),
    String(l.count),
    result.framesPerSecond.toFixed(1),
    String(result.stalls),
    ms(result.maxGapMs),
  ];
  return `| ${cells.join(' | ')} |`;
}

function playerTable(results: BenchResults): string[] {
  const lines = [
    '| player | join ms | latency p50 ms | p95 ms | p99 ms | max ms | samples | frames/s | stalls | max gap ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const [label, result] of [
    ['MoQ', results.moq],
    ['HLS', results.hls],
  ] as const) {
    if (result instanceof Error)
      lines.push(`| ${label} | failed: ${result.message.split('\n')[0]} |`);
    else if (result) lines.push(playerRow(result));
  }
  return lines;
}

function playerTables(results: BenchResults): string[] {
  const lines: string[] = [];
  for (const result of [results.moq, results.hls]) {
    if (!result || result instanceof Error) continue;
    for (const table of result.tables ?? []) lines.push(`${result.name}:`, '', ...table, '');
  }
  return lines;
}

function notes(results: BenchResults): string[] {
  const lines: string[] = [];
  for (const result of [results.moq, results.hls]) {
    if (result && !(result instanceof Error)) {
      lines.push(...result.notes.map((note) => `${result.name}: ${note}`));
    }
  }
  const encoder = results.encoder;
  if (encoder instanceof Error) lines.push(`encoder: failed: ${encoder.message}`);
  else if (encoder) {
    lines.push(
      `encoder (src/media/encoder-node): ${encoder.renditions.join(', ')}, ${encoder.mediaSeconds} s of test pattern in ` +
        `${encoder.wallSeconds.toFixed(1)} s = ${encoder.realtimeFactor.toFixed(2)}× real time ` +
        `(ffmpeg's own speed ${encoder.ffmpegSpeed?.toFixed(2) ?? '?'}×); ffmpeg used ` +
        `${encoder.cpuSeconds?.toFixed(1) ?? '?'} CPU s = ${cpuFactor(encoder)} media s per CPU s ` +
        `(${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1) ?? '?'} at the end)`,
    );
  }
  return lines;
}

/** The browser's first page: the median of BENCH_FIRST_PAGES + 1 browsers, or the one measured. */
const firstPageJoinMs = (result: PlayerResult): number => result.firstPages?.p50Ms ?? result.joinMs;

const firstPageLabel = (result: PlayerResult): string =>
  result.firstPages
    ? `the browser's first page, p50 of ${result.firstPages.samplesMs.length} browsers`
    : "the browser's first page";

function firstPageComparison(moq: PlayerResult, hls: PlayerResult): string[] {
  const moqMs = firstPageJoinMs(moq);
  const hlsMs = firstPageJoinMs(hls);
  const lines = [`HLS / MoQ join, ${firstPageLabel(moq)}: ${ratio(hlsMs, moqMs)}`];
  if (moq.firstPages && hls.firstPages) {
    lines.push(
      `MoQ join below HLS's, ${firstPageLabel(moq)} each (frame probe): ` +
        `${verdict(moqMs < hlsMs)} (${ms(moqMs)} against ${ms(hlsMs)})`,
    );
  }
  return lines;
}

/** Both players' first-visit medians, each by the page's frame probe (BENCH_JOINS=N). */
function joinComparison(moq: PlayerResult, hls: PlayerResult): string[] {
  const moqMs = moq.joins?.warm ? undefined : moq.joins?.probeP50Ms;
  const hlsMs = hls.joins?.probeP50Ms;
  if (moqMs === undefined || hlsMs === undefined) return [];
  const count = moq.joins?.count ?? 0;
  return [
    `MoQ join p50 below HLS's, ${count} first visits each (frame probe): ` +
      `${verdict(moqMs < hlsMs)} (${ms(moqMs)} against ${ms(hlsMs)}; HLS / MoQ ${ratio(hlsMs, moqMs)})`,
  ];
}

function goalLines(results: BenchResults): string[] {
  const lines: string[] = [];
  const { moq, hls, encoder } = results;
  if (moq && !(moq instanceof Error)) {
    if (moq.encoderSpeed !== undefined && moq.encoderSpeed < REAL_TIME) {
      lines.push(
        `WARNING: moq-pub's encoder ran at ${moq.encoderSpeed}× real time (average since its start): the stream lags its ` +
          'source more every second (the anchored prft clock shows it as growing latency); ' +
          'the machine is too loaded for this ladder',
      );
    }
    lines.push(
      `MoQ latency p50 ≤ ${GOALS.latencyP50Ms} ms: ${verdict(moq.latency.p50 <= GOALS.latencyP50Ms)} (${ms(moq.latency.p50)})`,
    );
    lines.push(
      `MoQ latency p95 ≤ ${GOALS.latencyP95Ms} ms: ${verdict(moq.latency.p95 <= GOALS.latencyP95Ms)} (${ms(moq.latency.p95)})`,
    );
    const firstPageMs = firstPageJoinMs(moq);
    lines.push(
      `MoQ join ≤ ${GOALS.joinMs} ms, ${firstPageLabel(moq)}: ${verdict(firstPageMs <= GOALS.joinMs)} (${ms(firstPageMs)})`,
    );
    if (moq.joins?.p50Ms !== undefined) {
      const { count, warm, p50Ms } = moq.joins;
      const visits = `${count} ${warm ? 'returning viewers' : 'first visits'}`;
      lines.push(
        `MoQ join p50 ≤ ${GOALS.joinMs} ms, ${visits}: ${verdict(p50Ms <= GOALS.joinMs)} (${ms(p50Ms)})`,
      );
    }
    if (hls && !(hls instanceof Error)) {
      lines.push(`HLS / MoQ latency p50: ${ratio(hls.latency.p50, moq.latency.p50)}`);
      lines.push(...firstPageComparison(moq, hls));
      lines.push(...joinComparison(moq, hls));
    }
  }
  if (encoder && !(encoder instanceof Error)) {
    const ok = encoder.realtimeFactor >= GOALS.ladderRealtimeFactor;
    lines.push(
      `ladder ≥ ${GOALS.ladderRealtimeFactor}× real time: ${verdict(ok)} (${encoder.realtimeFactor.toFixed(2)}×)`,
    );
  }
  return lines;
}

export function formatReport(results: BenchResults): string {
  return [
    `\nlatency benchmark: ${results.seconds} s measured per player after its first frame, loopback, headless Chromium`,
    '',
    ...playerTable(results),
    '',
    ...playerTables(results),
    ...notes(results),
    '',
    ...goalLines(results),
  ].join('\n');
}
