/**
 * `npm run bench:relay`: one publisher (this process) → the relay (a child process, so its CPU
 * is its own) → N subscribers (one child process, many sessions), over QUIC or WebSocket on
 * loopback. Per N: egress Mbps, relay CPU, objects lost, delay percentiles, and egress against
 * the raw transport's throughput measured at the start of the same run (transport-baseline.ts).
 * BENCH_SUBSCRIBERS="10,50,200", BENCH_SECONDS=15, BENCH_TRANSPORT=quic|websocket,
 * BENCH_JOIN_UNDER_LOAD=1, BENCH_PROFILE=1 (CPU profiles of the relay and the subscribers to
 * /tmp/prof-relay/<mode>[-subscribers]), BENCH_PROBE_JOINS=5 (joins timed from this process once
 * the window is measured, the load still on: what the next viewer waits).
 * BENCH_SUBSCRIBER_PROCESSES=2: the subscribers' sessions spread over that many processes
 * (relay-subscriber-pool.ts).
 * BENCH_SEND_MODES="js,sendmmsg,gso": the relay's UDP send path per run, side by side for each N
 * (js: one socket.send per packet; sendmmsg: the native batch; gso: the batch with UDP GSO).
 * BENCH_WORKERS="1,2": instead, the real `moq-relay --workers N` process for each N side by side
 * (bench/relay-workers.ts; subscribers default to "50,100" there).
 */
import type { ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import {
  OBJECTS_PER_GROUP,
  OBJECTS_PER_SECOND,
  childCpu,
  cpuBetween,
  cpuSnapshot,
  forkChild,
  nextMessage,
  objectSize,
  stopChild,
  type CpuSnapshot,
  type SubscriberReport,
  type Transport,
} from './relay-ipc.js';
import {
  GROUP_BYTES,
  PUBLISH_BITS_PER_SECOND,
  Publisher,
  WARMUP_SECONDS,
  fixed,
  measureWindow,
  percentile,
} from './relay-publisher.js';
import { probeJoins, type ProbeJoin } from './relay-probe-join.js';
import { SubscriberPool } from './relay-subscriber-pool.js';
import { measureTransportBaselineMbps } from './transport-baseline.js';
import { defaultCongestionControl } from '../src/transport/quic/index.js';
import {
  printWorkersTable,
  runWorkersCase,
  workersSummary,
  type WorkersRow,
} from './relay-workers.js';

const workerCounts = process.env.BENCH_WORKERS?.split(',').map(Number) ?? [];
const defaultCounts = workerCounts.length > 0 ? '50,100' : '10,50,200';
const counts = (process.env.BENCH_SUBSCRIBERS ?? defaultCounts).split(',').map(Number);
const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const transport = (process.env.BENCH_TRANSPORT ?? 'quic') as Transport;
const subscriberProcesses = Number(process.env.BENCH_SUBSCRIBER_PROCESSES ?? 1);
if (!Number.isInteger(subscriberProcesses) || subscriberProcesses < 1) {
  throw new RangeError(
    `BENCH_SUBSCRIBER_PROCESSES must be a whole number ≥ 1, not "${process.env.BENCH_SUBSCRIBER_PROCESSES}"`,
  );
}
/** The relay child's environment for each send mode (src/transport/quic/udp-batch-addon.ts). */
const SEND_MODE_ENV: Record<string, Record<string, string>> = {
  js: { MOQ_UDP_BATCH: '0' },
  sendmmsg: { MOQ_UDP_BATCH: '1', MOQ_UDP_GSO: '0' },
  gso: { MOQ_UDP_BATCH: '1', MOQ_UDP_GSO: '1' },
};
const sendModes = (process.env.BENCH_SEND_MODES ?? 'gso').split(',');
/**
 * Subscribers join before the publisher starts, so the window measures steady fan-out. With
 * BENCH_JOIN_UNDER_LOAD=1 they join while objects flow (at 200 over QUIC on 2 cores, slow).
 */
const joinUnderLoad = process.env.BENCH_JOIN_UNDER_LOAD === '1';
/** Viewers joining from this process once the window is measured, with the load still on. */
const probeCount = Number(process.env.BENCH_PROBE_JOINS ?? 5);
/** Whole groups, so every window carries exactly the nominal bitrate. */
const windowGroups = Math.max(1, Math.round((seconds * OBJECTS_PER_SECOND) / OBJECTS_PER_GROUP));
const windowObjects = windowGroups * OBJECTS_PER_GROUP;
const windowSeconds = windowObjects / OBJECTS_PER_SECOND;

async function snapshots(
  relay: ChildProcess,
  subs: SubscriberPool,
): Promise<[CpuSnapshot, CpuSnapshot[], CpuSnapshot]> {
  return Promise.all([childCpu(relay), subs.cpu(), Promise.resolve(cpuSnapshot())]);
}

interface Row {
  n: number;
  sendMode: string;
  connected: number;
  connectSeconds: number;
  egressMbps: number;
  relayCpuPct: number;
  relayEluPct: number;
  relaySystemPct: number;
  subsCpuPct: number;
  publisherCpuPct: number;
  relayRssMb: number;
  expected: number;
  report: SubscriberReport;
  probes: ProbeJoin[];
  probeFailures: string[];
}

async function runCase(n: number, sendMode: string): Promise<Row> {
  const profileDir = process.env.BENCH_PROFILE ? `/tmp/prof-relay/${sendMode}` : '';
  const relay = forkChild('./relay-child.ts', profileDir, SEND_MODE_ENV[sendMode] ?? {});
  const subs = new SubscriberPool(subscriberProcesses, profileDir);
  let publisher: Publisher | undefined;
  try {
    const { port, sendMode: actualMode } = await nextMessage(relay, 'listening', 30_000);
    const url = `http://127.0.0.1:${port}/`;
    publisher = await Publisher.open(url, transport);
    if (joinUnderLoad) publisher.start();
    const {
      connected,
      failed,
      firstError,
      seconds: connectSeconds,
    } = await subs.start(url, n, transport);
    if (failed > 0) console.log(`  N=${n}: ${failed} subscribers failed to connect: ${firstError}`);
    if (!joinUnderLoad) publisher.start();
    const m = await measureWindow(publisher, windowObjects, () => snapshots(relay, subs));
    const probe = await probeJoins(url, transport, probeCount);
    const [r0, s0, p0] = m.before;
    const [r1, s1, p1] = m.after;
    const w = { relay: [r0, r1], pub: [p0, p1], from: m.from, to: m.to } as const;
    const report = await subs.report(w.from, w.to);
    const relayCpu = cpuBetween(...w.relay);
    return {
      n,
      sendMode: actualMode === 'native' || sendMode === 'js' ? sendMode : `js (${actualMode})`,
      connected,
      connectSeconds,
      egressMbps: (report.bytes * 8) / 1e6 / windowSeconds,
      relayCpuPct: relayCpu.cpuPct,
      relayEluPct: relayCpu.eluPct,
      relaySystemPct: relayCpu.systemPct,
      subsCpuPct: SubscriberPool.cpuPct(s0, s1),
      publisherCpuPct: cpuBetween(...w.pub).cpuPct,
      relayRssMb: w.relay[1].rssBytes / 1e6,
      expected: n * (w.to - w.from),
      report,
      probes: probe.joins,
      probeFailures: probe.failures,
    };
  } finally {
    publisher?.close();
    await Promise.all([subs.stop(), stopChild(relay)]);
  }
}

function tableRow(row: Row, baselineMbps: number): string {
  const d = row.report.delaysMs;
  const lost = row.expected - row.report.received;
  const cells = [
    `${row.n}${row.connected < row.n ? ` (${row.connected} connected)` : ''}`,
    transport,
    row.sendMode,
    fixed(row.egressMbps),
    fixed(row.relayCpuPct, 0),
    fixed(cpuSecondsPerGb(row), 1),
    fixed(row.subsCpuPct, 0),
    `${lost} / ${row.expected}`,
    fixed(percentile(d, 50)),
    fixed(percentile(d, 95)),
    fixed(percentile(d, 99)),
    fixed(d.at(-1) ?? NaN),
    fixed(row.egressMbps / baselineMbps, 2),
    probeCell(row),
  ];
  return `| ${cells.join(' | ')} |`;
}

/** Relay CPU-seconds per GB (1e9 bytes) of subscriber egress. */
function cpuSecondsPerGb(row: Row): number {
  return (row.relayCpuPct / 100) * (8000 / row.egressMbps);
}

/** The kernel's share of the relay's CPU (sendmmsg, and on loopback the readers' receive path). */
function systemShare(row: Row): number {
  return (100 * row.relaySystemPct) / Math.max(1e-9, row.relayCpuPct);
}

type ProbeStep = (p: ProbeJoin) => number;

const probeMedian = (probes: readonly ProbeJoin[], pick: ProbeStep): string =>
  fixed(
    percentile(
      probes.map(pick).sort((a, b) => a - b),
      50,
    ),
    0,
  );

/** The joins' `pick` step as "p50 / max" in ms. */
function probeSpread(probes: readonly ProbeJoin[], pick: ProbeStep): string {
  return `${probeMedian(probes, pick)} / ${fixed(Math.max(...probes.map(pick)), 0)}`;
}

function probeCell(row: Row): string {
  return row.probes.length === 0 ? '—' : probeSpread(row.probes, (p) => p.totalMs);
}

/** The next viewers' joins under this load: total p50 / max and the median of each step. */
function probeSummary(row: Row): string {
  const { probes, probeFailures } = row;
  const median = (pick: ProbeStep): string => probeMedian(probes, pick);
  const failed =
    probeFailures.length > 0 ? `; ${probeFailures.length} failed: ${probeFailures[0]}` : '';
  if (probes.length === 0) return `next viewers' joins: none measured${failed}`;
  return (
    `next viewers' joins (${probes.length}, one at a time, from an idle process): ` +
    `p50 / max ${probeSpread(probes, (p) => p.totalMs)} ms to the first object ` +
    `(medians: dial ${median((p) => p.dialMs)}, setup ${median((p) => p.sessionMs)}, ` +
    `SUBSCRIBE_OK ${median((p) => p.subscribeMs)}, first object ${median((p) => p.firstObjectMs)} ms)` +
    failed
  );
}

/** The bench's mean keyframe (object 0 of a group), bytes. */
const KEYFRAME_BYTES =
  Array.from({ length: 10 }, (_, g) => objectSize(g * OBJECTS_PER_GROUP, GROUP_BYTES)).reduce(
    (a, b) => a + b,
  ) / 10;

/**
 * The least time one keyframe takes to reach all `n` subscribers when the machine's transport
 * carries `baselineMbps` at most: a keyframe's delay (and that of the objects queued behind it)
 * cannot be lower, however cheap the relay.
 */
function keyframeFloorMs(n: number, baselineMbps: number): number {
  return (n * KEYFRAME_BYTES * 8) / (baselineMbps * 1000);
}

/**
 * The least time the CPU needs for one keyframe to all `row.n` subscribers at this case's
 * measured cost per byte: the relay's share alone on one core (a relay process is one thread),
 * and the relay's plus the subscribers' over the machine's cores (they share it here).
 */
function keyframeCpuFloorsMs(row: Row): { relayMs: number; machineMs: number } {
  const burstGb = (row.n * KEYFRAME_BYTES) / 1e9;
  const subsCpuSecondsPerGb = (row.subsCpuPct / 100) * (8000 / row.egressMbps);
  const relayMs = cpuSecondsPerGb(row) * burstGb * 1000;
  const machineMs = ((cpuSecondsPerGb(row) + subsCpuSecondsPerGb) * burstGb * 1000) / cpus().length;
  return { relayMs, machineMs };
}

function summary(row: Row, baselineMbps: number): string {
  const r = row.report;
  const lost = row.expected - r.received;
  const lossySubs = r.lostBySubscriber.filter((l) => l > 0).length;
  const cpuFloors = keyframeCpuFloorsMs(row);
  return (
    `N=${row.n} ${transport} ${row.sendMode}: ${fixed(row.egressMbps)} Mbps egress ` +
    `(${fixed(row.egressMbps / baselineMbps, 2)} of transport), relay ${fixed(row.relayCpuPct, 0)} % CPU ` +
    `= ${fixed(cpuSecondsPerGb(row), 1)} CPU-s/GB, ${fixed(systemShare(row), 0)} % of it kernel ` +
    `(event loop ${fixed(row.relayEluPct, 0)} % busy, RSS ${fixed(row.relayRssMb, 0)} MB), ` +
    `subscribers ${fixed(row.subsCpuPct, 0)} %, publisher ${fixed(row.publisherCpuPct, 0)} %; ` +
    `lost ${lost} of ${row.expected} (${lossySubs} subscribers short), ` +
    `delay p50 ${fixed(percentile(r.delaysMs, 50))} / p95 ${fixed(percentile(r.delaysMs, 95))} / ` +
    `p99 ${fixed(percentile(r.delaysMs, 99))} / max ${fixed(r.delaysMs.at(-1) ?? NaN)} ms, ` +
    `keyframes p50 ${fixed(percentile(r.keyframeDelaysMs, 50))} / p99 ${fixed(percentile(r.keyframeDelaysMs, 99))} ms ` +
    `(floor: ${row.n} × ${fixed(KEYFRAME_BYTES / 1000, 0)} KB at the transport baseline, ` +
    `${fixed(keyframeFloorMs(row.n, baselineMbps), 0)} ms; CPU floors at this cost per byte: ` +
    `the relay's on one core ${fixed(cpuFloors.relayMs, 0)} ms, relay + ` +
    `subscribers over ${cpus().length} cores ${fixed(cpuFloors.machineMs, 0)} ms); ` +
    `lagged ${r.lagged}, group errors ${r.groupErrors}, track errors ${r.trackErrors}, ` +
    `duplicates ${r.duplicates}; ${row.connected} sessions up in ${fixed(row.connectSeconds)} s` +
    `\n  ${probeSummary(row)}` +
    (r.firstGroupError ? `\n  first group error: ${r.firstGroupError}` : '') +
    (r.firstTrackError ? `\n  first track error: ${r.firstTrackError}` : '')
  );
}

async function runInProcess(): Promise<void> {
  // The raw transport, measured now: before the relay starts, so nothing else takes its CPU.
  const baselineMbps = await measureTransportBaselineMbps(defaultCongestionControl());
  console.log(
    `relay benchmark: ${transport} on loopback, ${PUBLISH_BITS_PER_SECOND / 1e6} Mbps publisher, ` +
      `${OBJECTS_PER_SECOND} objects/s, groups of ${OBJECTS_PER_GROUP}, ${windowSeconds} s measured ` +
      `after ${WARMUP_SECONDS} s warm-up; transport baseline ${fixed(baselineMbps)} Mbps (measured in this run: 100 × 1 MB streams over one WebTransport session); ` +
      `send modes ${sendModes.join(' vs ')}; ${cpus().length} cores, load average ` +
      `${loadavg()
        .map((l) => fixed(l))
        .join(' ')} before the first run`,
  );
  const rows: Row[] = [];
  for (const n of counts) {
    for (const sendMode of sendModes) {
      try {
        const row = await runCase(n, sendMode);
        rows.push(row);
        console.log(summary(row, baselineMbps));
      } catch (error) {
        console.log(`N=${n} ${transport} ${sendMode}: failed: ${String(error)}`);
      }
    }
  }
  console.log(
    `load average after: ${loadavg()
      .map((l) => fixed(l))
      .join(' ')}`,
  );
  console.log(
    '\n| subscribers | transport | sends | egress Mbps | relay CPU % | relay CPU-s/GB | subscribers CPU % | objects lost | p50 ms | p95 ms | p99 ms | max ms | egress / transport | next join p50 / max ms |',
  );
  console.log(
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const row of rows) console.log(tableRow(row, baselineMbps));
}

/** The real `moq-relay` process at each worker count, one after another per subscriber count. */
async function runWorkers(): Promise<void> {
  console.log(
    `relay benchmark, moq-relay --workers ${workerCounts.join(' vs ')}: ${transport} on loopback, ` +
      `${PUBLISH_BITS_PER_SECOND / 1e6} Mbps publisher, ${windowSeconds} s measured after ` +
      `${WARMUP_SECONDS} s warm-up, ${counts.join(', ')} subscribers; ${cpus().length} cores, ` +
      `load average ${loadavg()
        .map((l) => fixed(l))
        .join(' ')} before the first run`,
  );
  const rows: WorkersRow[] = [];
  for (const subscribers of counts) {
    for (const workers of workerCounts) {
      try {
        const c = { subscribers, workers, transport, windowObjects, windowSeconds };
        const row = await runWorkersCase(c);
        rows.push(row);
        console.log(workersSummary(row, windowSeconds));
      } catch (error) {
        console.log(`N=${subscribers} --workers ${workers}: failed: ${String(error)}`);
      }
    }
  }
  printWorkersTable(rows, transport);
}

await (workerCounts.length > 0 ? runWorkers() : runInProcess());
process.exit(0);
