/**
 * `npm run bench:relay`: one publisher (this process) → the relay (a child process, so its CPU
 * is its own) → N subscribers (one child process, many sessions), over QUIC or WebSocket on
 * loopback. Per N: egress Mbps, relay CPU, objects lost, delay percentiles, and egress against
 * the transport benchmark's throughput.
 * BENCH_SUBSCRIBERS="10,50,200", BENCH_SECONDS=15, BENCH_TRANSPORT=quic|websocket,
 * BENCH_JOIN_UNDER_LOAD=1, BENCH_PROFILE=1 (relay CPU profile to /tmp/prof-relay).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  BroadcastProducer,
  MoqSession,
  type GroupProducer,
  type TrackProducer,
} from '../src/moq/index.js';
import { dialRelay } from '../src/client/index.js';
import { nodeDialers } from '../src/transport/index.js';
import {
  NAMESPACE,
  OBJECTS_PER_GROUP,
  OBJECTS_PER_SECOND,
  TRACK,
  cpuBetween,
  cpuSnapshot,
  encodePayload,
  nextMessage,
  objectSize,
  send,
  type CpuSnapshot,
  type SubscriberReport,
  type Transport,
} from './relay-ipc.js';

const PUBLISH_BITS_PER_SECOND = 2_000_000;
const GROUP_BYTES = (PUBLISH_BITS_PER_SECOND / 8) * (OBJECTS_PER_GROUP / OBJECTS_PER_SECOND);
const WARMUP_SECONDS = 4;
/** Time after the window for its last objects to arrive; anything later counts as lost. */
const DRAIN_SECONDS = 3;

const counts = (process.env.BENCH_SUBSCRIBERS ?? '10,50,200').split(',').map(Number);
const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const transport = (process.env.BENCH_TRANSPORT ?? 'quic') as Transport;
/**
 * Subscribers join before the publisher starts, so the window measures steady fan-out. With
 * BENCH_JOIN_UNDER_LOAD=1 they join while objects flow (at 200 over QUIC on 2 cores, slow).
 */
const joinUnderLoad = process.env.BENCH_JOIN_UNDER_LOAD === '1';
/** Whole groups, so every window carries exactly the nominal bitrate. */
const windowGroups = Math.max(1, Math.round((seconds * OBJECTS_PER_SECOND) / OBJECTS_PER_GROUP));
const windowObjects = windowGroups * OBJECTS_PER_GROUP;
const windowSeconds = windowObjects / OBJECTS_PER_SECOND;

/**
 * The transport benchmark's 100 × 1 MB bbr WebTransport figure (bench/RESULTS.md, 88.6 MB/s on
 * 2026-11-22). That benchmark's MB is 2^20 bytes, so 88.6 MB/s is 743 Mbit/s.
 */
function transportBaselineMbps(): number {
  const fallbackMiBps = 88.6;
  let mibps = fallbackMiBps;
  try {
    const results = readFileSync(new URL('./RESULTS.md', import.meta.url), 'utf8');
    const row = /\|\s*100 × 1 MB\s*\|\s*bbr[^|]*\|\s*([\d.]+)\s*\|/.exec(results);
    if (row?.[1]) mibps = Number(row[1]);
  } catch {
    // No results file: the hard-coded figure stands.
  }
  return (mibps * 1024 * 1024 * 8) / 1e6;
}

/** Writes 30 objects/s in 60-object groups on a fixed schedule, catching up if it ran late. */
class Publisher {
  readonly #track: TrackProducer;
  readonly #session: MoqSession;
  #group: GroupProducer | undefined;
  #seq = 0;
  #startedAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #waiters: Array<{ seq: number; resolve: () => void }> = [];

  private constructor(session: MoqSession, broadcast: BroadcastProducer) {
    this.#session = session;
    this.#track = broadcast.createTrack(TRACK);
  }

  static async open(url: string): Promise<Publisher> {
    const session = await MoqSession.connect(
      (await dialRelay(url, nodeDialers, { transport })).transport,
    );
    const broadcast = new BroadcastProducer(NAMESPACE);
    const publisher = new Publisher(session, broadcast);
    await session.publish(broadcast);
    return publisher;
  }

  get seq(): number {
    return this.#seq;
  }

  start(): void {
    this.#startedAt = performance.now();
    this.#tick();
  }

  /** Resolves once objects 0 .. seq − 1 are written. */
  reached(seq: number): Promise<void> {
    if (this.#seq >= seq) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ seq, resolve }));
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#track.close();
    this.#session.close();
  }

  #tick(): void {
    const elapsed = performance.now() - this.#startedAt;
    const due = Math.floor((elapsed * OBJECTS_PER_SECOND) / 1000) + 1;
    while (this.#seq < due) this.#write();
    this.#waiters = this.#waiters.filter((w) => (this.#seq >= w.seq ? void w.resolve() : true));
    const nextAt = this.#startedAt + (this.#seq * 1000) / OBJECTS_PER_SECOND;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, nextAt - performance.now()));
  }

  #write(): void {
    if (this.#seq % OBJECTS_PER_GROUP === 0) {
      this.#group?.close();
      this.#group = this.#track.createGroup();
    }
    this.#group?.write(encodePayload(this.#seq, objectSize(this.#seq, GROUP_BYTES)));
    this.#seq++;
  }
}

function forkChild(file: string, profileDir?: string): ChildProcess {
  return fork(fileURLToPath(new URL(file, import.meta.url)), {
    execArgv: [
      '--import',
      'tsx',
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    ],
    env: { ...process.env },
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  send({ type: 'exit' }, child);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function snapshot(child: ChildProcess): Promise<CpuSnapshot> {
  const reply = nextMessage(child, 'cpu', 30_000);
  send({ type: 'cpu' }, child);
  return (await reply).snapshot;
}

async function snapshots(
  relay: ChildProcess,
  subs: ChildProcess,
): Promise<[CpuSnapshot, CpuSnapshot, CpuSnapshot]> {
  return Promise.all([snapshot(relay), snapshot(subs), Promise.resolve(cpuSnapshot())]);
}

interface Row {
  n: number;
  connected: number;
  connectSeconds: number;
  egressMbps: number;
  relayCpuPct: number;
  relayEluPct: number;
  subsCpuPct: number;
  publisherCpuPct: number;
  relayRssMb: number;
  expected: number;
  report: SubscriberReport;
}

interface Window {
  relay: [CpuSnapshot, CpuSnapshot];
  subs: [CpuSnapshot, CpuSnapshot];
  pub: [CpuSnapshot, CpuSnapshot];
  from: number;
  to: number;
}

/** Warm-up, then a whole number of groups measured from a group boundary, then a drain. */
async function measureWindow(
  publisher: Publisher,
  relay: ChildProcess,
  subs: ChildProcess,
): Promise<Window> {
  await new Promise((resolve) => setTimeout(resolve, WARMUP_SECONDS * 1000));
  const from = Math.ceil(publisher.seq / OBJECTS_PER_GROUP) * OBJECTS_PER_GROUP;
  await publisher.reached(from);
  const [r0, s0, p0] = await snapshots(relay, subs);
  const to = from + windowObjects;
  await publisher.reached(to);
  const [r1, s1, p1] = await snapshots(relay, subs);
  await new Promise((resolve) => setTimeout(resolve, DRAIN_SECONDS * 1000));
  return { relay: [r0, r1], subs: [s0, s1], pub: [p0, p1], from, to };
}

async function runCase(n: number): Promise<Row> {
  const relay = forkChild('./relay-child.ts', process.env.BENCH_PROFILE ? '/tmp/prof-relay' : '');
  const subs = forkChild('./relay-subscribers.ts');
  let publisher: Publisher | undefined;
  try {
    const { port } = await nextMessage(relay, 'listening', 30_000);
    const url = `http://127.0.0.1:${port}/`;
    publisher = await Publisher.open(url);
    if (joinUnderLoad) publisher.start();
    const ready = nextMessage(subs, 'ready', 300_000);
    send({ type: 'start', url, count: n, transport }, subs);
    const { connected, failed, firstError, seconds: connectSeconds } = await ready;
    if (failed > 0) console.log(`  N=${n}: ${failed} subscribers failed to connect: ${firstError}`);
    if (!joinUnderLoad) publisher.start();
    const w = await measureWindow(publisher, relay, subs);
    const reply = nextMessage(subs, 'report', 60_000);
    send({ type: 'report', from: w.from, to: w.to }, subs);
    const { report } = await reply;
    const relayCpu = cpuBetween(...w.relay);
    return {
      n,
      connected,
      connectSeconds,
      egressMbps: (report.bytes * 8) / 1e6 / windowSeconds,
      relayCpuPct: relayCpu.cpuPct,
      relayEluPct: relayCpu.eluPct,
      subsCpuPct: cpuBetween(...w.subs).cpuPct,
      publisherCpuPct: cpuBetween(...w.pub).cpuPct,
      relayRssMb: w.relay[1].rssBytes / 1e6,
      expected: n * (w.to - w.from),
      report,
    };
  } finally {
    publisher?.close();
    await Promise.all([stopChild(subs), stopChild(relay)]);
  }
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

const fixed = (value: number, digits = 1): string => value.toFixed(digits);

function tableRow(row: Row, baselineMbps: number): string {
  const d = row.report.delaysMs;
  const lost = row.expected - row.report.received;
  const cells = [
    `${row.n}${row.connected < row.n ? ` (${row.connected} connected)` : ''}`,
    transport,
    fixed(row.egressMbps),
    fixed(row.relayCpuPct, 0),
    fixed(row.subsCpuPct, 0),
    `${lost} / ${row.expected}`,
    fixed(percentile(d, 50)),
    fixed(percentile(d, 95)),
    fixed(percentile(d, 99)),
    fixed(d.at(-1) ?? NaN),
    fixed(row.egressMbps / baselineMbps, 2),
  ];
  return `| ${cells.join(' | ')} |`;
}

function summary(row: Row, baselineMbps: number): string {
  const r = row.report;
  const lost = row.expected - r.received;
  const lossySubs = r.lostBySubscriber.filter((l) => l > 0).length;
  return (
    `N=${row.n} ${transport}: ${fixed(row.egressMbps)} Mbps egress ` +
    `(${fixed(row.egressMbps / baselineMbps, 2)} of transport), relay ${fixed(row.relayCpuPct, 0)} % CPU ` +
    `(event loop ${fixed(row.relayEluPct, 0)} % busy, RSS ${fixed(row.relayRssMb, 0)} MB), ` +
    `subscribers ${fixed(row.subsCpuPct, 0)} %, publisher ${fixed(row.publisherCpuPct, 0)} %; ` +
    `lost ${lost} of ${row.expected} (${lossySubs} subscribers short), ` +
    `delay p50 ${fixed(percentile(r.delaysMs, 50))} / p95 ${fixed(percentile(r.delaysMs, 95))} / ` +
    `p99 ${fixed(percentile(r.delaysMs, 99))} / max ${fixed(r.delaysMs.at(-1) ?? NaN)} ms, ` +
    `keyframes p50 ${fixed(percentile(r.keyframeDelaysMs, 50))} / p99 ${fixed(percentile(r.keyframeDelaysMs, 99))} ms; ` +
    `lagged ${r.lagged}, group errors ${r.groupErrors}, track errors ${r.trackErrors}, ` +
    `duplicates ${r.duplicates}; ${row.connected} sessions up in ${fixed(row.connectSeconds)} s` +
    (r.firstGroupError ? `\n  first group error: ${r.firstGroupError}` : '') +
    (r.firstTrackError ? `\n  first track error: ${r.firstTrackError}` : '')
  );
}

const baselineMbps = transportBaselineMbps();
console.log(
  `relay benchmark: ${transport} on loopback, ${PUBLISH_BITS_PER_SECOND / 1e6} Mbps publisher, ` +
    `${OBJECTS_PER_SECOND} objects/s, groups of ${OBJECTS_PER_GROUP}, ${windowSeconds} s measured ` +
    `after ${WARMUP_SECONDS} s warm-up; transport baseline ${fixed(baselineMbps)} Mbps`,
);
const rows: Row[] = [];
for (const n of counts) {
  try {
    const row = await runCase(n);
    rows.push(row);
    console.log(summary(row, baselineMbps));
  } catch (error) {
    console.log(`N=${n} ${transport}: failed: ${String(error)}`);
  }
}
console.log(
  '\n| subscribers | transport | egress Mbps | relay CPU % | subscribers CPU % | objects lost | p50 ms | p95 ms | p99 ms | max ms | egress / transport |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(tableRow(row, baselineMbps));
process.exit(0);
