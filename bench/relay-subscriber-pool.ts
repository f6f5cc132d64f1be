/**
 * The subscribers of `npm run bench:relay`, spread over BENCH_SUBSCRIBER_PROCESSES child
 * processes (relay-subscribers.ts each). Real viewers are on machines of their own; one Node
 * process receiving 200 × 2 Mbit/s of QUIC saturates its one core, and the delays it reports are
 * then its own. Reports are merged as if from one process.
 */
import type { ChildProcess } from 'node:child_process';
import {
  childCpu,
  cpuBetween,
  forkChild,
  nextMessage,
  send,
  stopChild,
  type CpuSnapshot,
  type SubscriberReport,
  type Transport,
} from './relay-ipc.js';

export interface PoolReady {
  connected: number;
  failed: number;
  firstError?: string | undefined;
  seconds: number;
}

export class SubscriberPool {
  readonly #children: ChildProcess[];

  constructor(processes: number, profileDir: string) {
    this.#children = Array.from({ length: processes }, (_, i) =>
      forkChild('./relay-subscribers.ts', profileDir ? `${profileDir}-subscribers${i}` : ''),
    );
  }

  get processes(): number {
    return this.#children.length;
  }

  /** Connects `count` sessions, split evenly over the processes; resolves once all are up. */
  async start(url: string, count: number, transport: Transport): Promise<PoolReady> {
    const shares = this.#children.map(
      (_, i) =>
        Math.floor(count / this.#children.length) + (i < count % this.#children.length ? 1 : 0),
    );
    const readies = this.#children.map((child, i) => {
      const ready = nextMessage(child, 'ready', 300_000);
      send({ type: 'start', url, count: shares[i] ?? 0, transport }, child);
      return ready;
    });
    const all = await Promise.all(readies);
    return {
      connected: all.reduce((sum, r) => sum + r.connected, 0),
      failed: all.reduce((sum, r) => sum + r.failed, 0),
      firstError: all.find((r) => r.firstError)?.firstError,
      seconds: Math.max(...all.map((r) => r.seconds)),
    };
  }

  cpu(): Promise<CpuSnapshot[]> {
    return Promise.all(this.#children.map((child) => childCpu(child)));
  }

  /** The processes' CPU between two snapshots, summed (100 = one core). */
  static cpuPct(before: CpuSnapshot[], after: CpuSnapshot[]): number {
    return before.reduce((sum, b, i) => sum + cpuBetween(b, after[i] ?? b).cpuPct, 0);
  }

  /** Every process's report for objects [from, to), merged. */
  async report(from: number, to: number): Promise<SubscriberReport> {
    const reports = await Promise.all(
      this.#children.map(async (child) => {
        const reply = nextMessage(child, 'report', 60_000);
        send({ type: 'report', from, to }, child);
        return (await reply).report;
      }),
    );
    return mergeReports(reports);
  }

  async stop(): Promise<void> {
    await Promise.all(this.#children.map((child) => stopChild(child)));
  }
}

const sorted = (lists: number[][]): number[] => lists.flat().sort((a, b) => a - b);

function mergeReports(reports: SubscriberReport[]): SubscriberReport {
  const sum = (
    key: 'received' | 'duplicates' | 'bytes' | 'lagged' | 'groupErrors' | 'trackErrors',
  ): number => reports.reduce((total, r) => total + r[key], 0);
  const firstGroupError = reports.find((r) => r.firstGroupError)?.firstGroupError;
  const firstTrackError = reports.find((r) => r.firstTrackError)?.firstTrackError;
  return {
    received: sum('received'),
    duplicates: sum('duplicates'),
    bytes: sum('bytes'),
    delaysMs: sorted(reports.map((r) => r.delaysMs)),
    keyframeDelaysMs: sorted(reports.map((r) => r.keyframeDelaysMs)),
    lostBySubscriber: reports.flatMap((r) => r.lostBySubscriber),
    lagged: sum('lagged'),
    groupErrors: sum('groupErrors'),
    trackErrors: sum('trackErrors'),
    ...(firstGroupError ? { firstGroupError } : {}),
    ...(firstTrackError ? { firstTrackError } : {}),
  };
}
