/**
 * What `npm run bench:relay`'s processes share: the IPC messages, the payload layout (publish
 * time and sequence number up front, so any process can measure delay and loss on its own), and
 * a CPU snapshot every child answers.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export type Transport = 'quic' | 'websocket';

export const NAMESPACE = ['bench'];
export const TRACK = 'video';
export const OBJECTS_PER_SECOND = 30;
export const OBJECTS_PER_GROUP = 60;
/** 8 bytes of publish time (float64 ms since the epoch) then 4 bytes of sequence number. */
export const HEADER_BYTES = 12;

/** A process's cumulative CPU time and event-loop utilization at one instant. */
export interface CpuSnapshot {
  at: number;
  cpuMicros: number;
  /** Of cpuMicros, the kernel's: on loopback this includes delivering into the readers' sockets. */
  systemMicros: number;
  elu: { idle: number; active: number };
  rssBytes: number;
}

export type ChildMessage =
  | { type: 'listening'; port: number; sendMode?: string }
  | { type: 'cpu'; snapshot: CpuSnapshot }
  | { type: 'ready'; connected: number; failed: number; firstError?: string; seconds: number }
  | { type: 'report'; report: SubscriberReport };

export type ParentMessage =
  | { type: 'cpu' }
  | { type: 'exit' }
  | { type: 'start'; url: string; count: number; transport: Transport }
  | { type: 'report'; from: number; to: number };

/** What the subscriber process saw of the objects with sequence numbers in [from, to). */
export interface SubscriberReport {
  received: number;
  duplicates: number;
  bytes: number;
  /** Delays in ms, sorted ascending, of every in-window object every subscriber received. */
  delaysMs: number[];
  keyframeDelaysMs: number[];
  lostBySubscriber: number[];
  lagged: number;
  groupErrors: number;
  firstGroupError?: string;
  trackErrors: number;
  firstTrackError?: string;
}

/** Wall-clock milliseconds comparable across processes on one machine, sub-ms resolution. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

export function cpuSnapshot(): CpuSnapshot {
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  return {
    at: wallNow(),
    cpuMicros: cpu.user + cpu.system,
    systemMicros: cpu.system,
    elu: { idle: elu.idle, active: elu.active },
    rssBytes: process.memoryUsage.rss(),
  };
}

/** CPU % of one core and event-loop utilization % between two snapshots. */
export function cpuBetween(
  a: CpuSnapshot,
  b: CpuSnapshot,
): { cpuPct: number; systemPct: number; eluPct: number } {
  const wallMicros = (b.at - a.at) * 1000;
  const active = b.elu.active - a.elu.active;
  const idle = b.elu.idle - a.elu.idle;
  return {
    cpuPct: (100 * (b.cpuMicros - a.cpuMicros)) / wallMicros,
    systemPct: (100 * (b.systemMicros - a.systemMicros)) / wallMicros,
    eluPct: (100 * active) / Math.max(1e-9, active + idle),
  };
}

export function send(message: ChildMessage | ParentMessage, to?: ChildProcess): void {
  if (to) to.send(message);
  else process.send?.(message);
}

/** The child's next message of a type, or a rejection after `timeoutMs` (a hung child). */
export function nextMessage<T extends ChildMessage['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs = 120_000,
): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`no '${type}' from child ${child.pid} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: ChildMessage): void => {
      if (message.type !== type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message as Extract<ChildMessage, { type: T }>);
    };
    child.on('message', onMessage);
  });
}

/** Size of object `objectId` in a group: a keyframe that brings the group to `groupBytes`. */
export function objectSize(seq: number, groupBytes: number): number {
  const objectId = seq % OBJECTS_PER_GROUP;
  if (objectId === 0) return Math.max(HEADER_BYTES, groupBytes - deltaBytesPerGroup(seq));
  return deltaSize(seq);
}

/** Deltas vary deterministically over 1–8 KiB (a Weyl sequence: spread, no RNG state). */
function deltaSize(seq: number): number {
  return 1024 + ((seq * 2654435761) % 7169);
}

function deltaBytesPerGroup(seq: number): number {
  let total = 0;
  for (let i = 1; i < OBJECTS_PER_GROUP; i++) total += deltaSize(seq + i);
  return total;
}

export function encodePayload(seq: number, size: number): Uint8Array {
  const payload = new Uint8Array(size);
  const view = new DataView(payload.buffer);
  view.setUint32(8, seq);
  view.setFloat64(0, wallNow()); // last, so allocation is not counted as relay delay
  return payload;
}

export function decodePayload(payload: Uint8Array): { sentAt: number; seq: number } {
  const view = new DataView(payload.buffer, payload.byteOffset, HEADER_BYTES);
  return { sentAt: view.getFloat64(0), seq: view.getUint32(8) };
}

/** Forks one of the bench's own processes (`file` relative to this folder). */
export function forkChild(
  file: string,
  profileDir?: string,
  env: Record<string, string> = {},
): ChildProcess {
  return fork(fileURLToPath(new URL(file, import.meta.url)), {
    execArgv: [
      '--import',
      'tsx',
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    ],
    env: { ...process.env, ...env },
  });
}

/** Asks a child to exit (so --cpu-prof can write), SIGKILL if it hangs. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  send({ type: 'exit' }, child);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** A child's CPU snapshot, over IPC. */
export async function childCpu(child: ChildProcess): Promise<CpuSnapshot> {
  const reply = nextMessage(child, 'cpu', 30_000);
  send({ type: 'cpu' }, child);
  return (await reply).snapshot;
}
