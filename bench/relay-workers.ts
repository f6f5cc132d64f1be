/**
 * `BENCH_WORKERS=1,2 npm run bench:relay`: the real `moq-relay --workers N` process against the
 * same publisher and the same N subscribers, side by side. Per run: the viewer sessions each
 * worker got (from its log lines), the split, the relay's CPU-seconds per GB of egress (every
 * process of its tree, from /proc), delivered against expected objects, delay p50/p95; then the
 * ratios of each worker count against the first.
 */
import { cpuBetween, childCpu, forkChild, nextMessage, send, stopChild } from './relay-ipc.js';
import type { CpuSnapshot, SubscriberReport, Transport } from './relay-ipc.js';
import { Publisher, fixed, measureWindow, percentile } from './relay-publisher.js';
import { until } from '../src/async/index.js';
import { RelayProcess, pidCpuSeconds, treeCpuSeconds, type TreeCpu } from './relay-process.js';

/** A worker still running this long after its primary exited is leaked. */
const LEAK_GRACE_MS = 10_000;

export interface WorkersCase {
  subscribers: number;
  workers: number;
  transport: Transport;
  windowObjects: number;
  windowSeconds: number;
}

export interface WorkersRow {
  subscribers: number;
  workers: number;
  connected: number;
  viewersByWorker: number[];
  egressMbps: number;
  egressBytes: number;
  relayCpuSeconds: number;
  /** CPU seconds of each worker, by index; with `--workers 1` the relay is the primary. */
  workerCpuSeconds: number[];
  /** The primary's own CPU seconds when it only supervises (`--workers` > 1). */
  primaryCpuSeconds: number;
  relayRssMb: number;
  subsCpuPct: number;
  expected: number;
  report: SubscriberReport;
  /** Pids of the relay's tree still alive after it was stopped. */
  leaked: number[];
  warnings: readonly string[];
}

interface Sample {
  relay: TreeCpu;
  subs: CpuSnapshot;
}

export async function runWorkersCase(c: WorkersCase): Promise<WorkersRow> {
  const relay = await RelayProcess.start(c.workers);
  const subs = forkChild('./relay-subscribers.ts');
  let publisher: Publisher | undefined;
  let row: WorkersRow;
  try {
    publisher = await Publisher.open(relay.url, c.transport);
    const ready = nextMessage(subs, 'ready', 300_000);
    send({ type: 'start', url: relay.url, count: c.subscribers, transport: c.transport }, subs);
    const { connected, failed, firstError } = await ready;
    if (failed > 0) console.log(`  ${failed} subscribers failed to connect: ${firstError}`);
    publisher.start();
    const sample = async (): Promise<Sample> => ({
      subs: await childCpu(subs),
      relay: relay.cpu(),
    });
    const w = await measureWindow(publisher, c.windowObjects, sample);
    const reply = nextMessage(subs, 'report', 60_000);
    send({ type: 'report', from: w.from, to: w.to }, subs);
    const { report } = await reply;
    const pids = relay.relayPids;
    row = {
      subscribers: c.subscribers,
      workers: c.workers,
      connected,
      viewersByWorker: relay.viewersByWorker(),
      egressMbps: (report.bytes * 8) / 1e6 / c.windowSeconds,
      egressBytes: report.bytes,
      relayCpuSeconds: treeCpuSeconds(w.before.relay, w.after.relay),
      workerCpuSeconds: pids.map((pid) => pidCpuSeconds(w.before.relay, w.after.relay, pid)),
      primaryCpuSeconds:
        c.workers > 1 ? pidCpuSeconds(w.before.relay, w.after.relay, relay.pid) : 0,
      relayRssMb: w.after.relay.rssBytes / 1e6,
      subsCpuPct: cpuBetween(w.before.subs, w.after.subs).cpuPct,
      expected: c.subscribers * (w.to - w.from),
      report,
      leaked: [],
      warnings: relay.warnings,
    };
  } finally {
    publisher?.close();
    await Promise.all([stopChild(subs), relay.stop()]);
  }
  row.leaked = await leftBehind(relay);
  return row;
}

/** The relay's processes that outlive it by more than a grace period (a leak). */
async function leftBehind(relay: RelayProcess): Promise<number[]> {
  try {
    await until('the relay processes gone', () => relay.alive().length === 0, {
      timeoutMs: LEAK_GRACE_MS,
    });
    return [];
  } catch {
    return relay.alive();
  }
}

/** "52/48": each worker's share of the viewer sessions, in %. */
export function split(viewers: readonly number[]): string {
  const total = viewers.reduce((a, b) => a + b, 0);
  if (total === 0) return '—';
  return viewers.map((v) => Math.round((100 * v) / total)).join('/');
}

/** Whether no worker has more than 60 % of the viewers (always true for one worker). */
export function splitWithinGoal(viewers: readonly number[]): boolean {
  const total = viewers.reduce((a, b) => a + b, 0);
  return viewers.length < 2 || Math.max(...viewers) <= 0.6 * total;
}

export function cpuSecondsPerGB(row: WorkersRow): number {
  return row.relayCpuSeconds / (row.egressBytes / 1e9);
}

export function workersSummary(row: WorkersRow, windowSeconds: number): string {
  const r = row.report;
  const perWorker = row.workerCpuSeconds.map((s, i) => `w${i} ${fixed(s)} s`).join(', ');
  return (
    `N=${row.subscribers} --workers ${row.workers}: viewers per worker ${row.viewersByWorker.join(' / ')} ` +
    `(split ${split(row.viewersByWorker)}${splitWithinGoal(row.viewersByWorker) ? '' : ', outside 60/40'}), ` +
    `${fixed(row.egressMbps)} Mbps egress, relay ${fixed(row.relayCpuSeconds)} CPU-s over ` +
    `${fixed(windowSeconds, 0)} s (${perWorker}${row.workers > 1 ? `, primary ${fixed(row.primaryCpuSeconds, 2)} s` : ''}) ` +
    `= ${fixed(cpuSecondsPerGB(row))} CPU-s/GB, RSS ${fixed(row.relayRssMb, 0)} MB, ` +
    `subscribers ${fixed(row.subsCpuPct, 0)} %; delivered ${r.received} of ${row.expected}, ` +
    `delay p50 ${fixed(percentile(r.delaysMs, 50))} / p95 ${fixed(percentile(r.delaysMs, 95))} ms; ` +
    `${row.connected} sessions up; lagged ${r.lagged}, group errors ${r.groupErrors}` +
    (row.leaked.length > 0
      ? `\n  LEAK: relay processes alive after stop: ${row.leaked.join(', ')}`
      : '') +
    row.warnings.map((w) => `\n  relay warning: ${w}`).join('')
  );
}

export function printWorkersTable(rows: readonly WorkersRow[], transport: Transport): void {
  console.log(
    '\n| subscribers | workers | viewers per worker | split | egress Mbps | relay CPU-s | CPU-s per GB | delivered / expected | p50 ms | p95 ms |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) {
    const d = row.report.delaysMs;
    const cells = [
      `${row.subscribers} ${transport}`,
      row.workers,
      row.viewersByWorker.join(' / '),
      split(row.viewersByWorker),
      fixed(row.egressMbps),
      fixed(row.relayCpuSeconds),
      fixed(cpuSecondsPerGB(row)),
      `${row.report.received} / ${row.expected}`,
      fixed(percentile(d, 50)),
      fixed(percentile(d, 95)),
    ];
    console.log(`| ${cells.join(' | ')} |`);
  }
  printRatios(rows);
}

/** Each worker count against the first one run with the same number of subscribers. */
function printRatios(rows: readonly WorkersRow[]): void {
  const lines: string[] = [];
  for (const row of rows) {
    const base = rows.find((r) => r.subscribers === row.subscribers);
    if (!base || base === row) continue;
    const ratio = (a: number, b: number): string => fixed(a / b, 2);
    const p = (r: WorkersRow, q: number): number => percentile(r.report.delaysMs, q);
    lines.push(
      `N=${row.subscribers}, ${row.workers} workers vs ${base.workers}: egress ×${ratio(row.egressMbps, base.egressMbps)}, ` +
        `CPU-s per GB ×${ratio(cpuSecondsPerGB(row), cpuSecondsPerGB(base))}, ` +
        `delivered ×${ratio(row.report.received, base.report.received)}, ` +
        `p50 ×${ratio(p(row, 50), p(base, 50))}, p95 ×${ratio(p(row, 95), p(base, 95))}`,
    );
  }
  if (lines.length === 0) return;
  console.log('\nRatios:');
  for (const line of lines) console.log(line);
  console.log(
    '\nThis machine has 2 cores and also runs the publisher and every subscriber, so a second ' +
      'worker cannot double throughput here: what it can show is that the load spreads, what ' +
      'the split costs in CPU per GB, and whether delivery and delay hold.',
  );
}
