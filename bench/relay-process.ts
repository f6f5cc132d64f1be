/**
 * The real `moq-relay` process for `BENCH_WORKERS=1,2 npm run bench:relay`: started as an operator
 * would (`--workers N`), its JSON log lines read to learn each process's pid and which process
 * each session landed on (every pino line carries `pid`; `--workers 1` is the relay in the
 * primary, more are forked workers), and its CPU read from /proc/PID/stat of every process in the
 * tree, since its processes answer no IPC of ours.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { until } from '../src/async/index.js';
import { wallNow } from './relay-ipc.js';

const ROOT = join(import.meta.dirname, '..');
/** /proc/PID/stat counts CPU in clock ticks; USER_HZ is 100 on every Linux Node runs on. */
const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;

/** CPU and memory of every process of the relay at one instant. */
export interface TreeCpu {
  at: number;
  /** user + system CPU seconds, per pid. */
  cpuSeconds: Map<number, number>;
  rssBytes: number;
}

interface LogLine {
  level?: number;
  pid?: number;
  msg?: string;
  worker?: number;
  url?: string;
  node?: string;
  peer?: string;
}

export class RelayProcess {
  readonly workers: number;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  /** Worker index by pid (the primary's pid is worker 0 with `--workers 1`). */
  readonly #workerByPid = new Map<number, number>();
  /** Worker index by its peer address (`node`), for the cluster sessions workers open. */
  readonly #workerByNode = new Map<string, number>();
  readonly #sessionsByPid = new Map<number, number>();
  readonly #publishersByPid = new Map<number, number>();
  readonly #peerSessionsByNode = new Map<string, number>();
  readonly #warnings: string[] = [];
  #url = '';

  private constructor(workers: number) {
    this.workers = workers;
    const args = ['--import', 'tsx', join(ROOT, 'src/cli/moq-relay.ts'), '--bind', '127.0.0.1:0'];
    this.#child = spawn(process.execPath, [...args, '--workers', String(workers)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.#exited = new Promise((resolve) => this.#child.once('exit', () => resolve()));
    createInterface({ input: this.#child.stdout! }).on('line', (line) => this.#read(line));
  }

  static async start(workers: number): Promise<RelayProcess> {
    const relay = new RelayProcess(workers);
    try {
      await until(`moq-relay --workers ${workers} listening`, () => relay.#ready(), {
        timeoutMs: START_TIMEOUT_MS,
        intervalMs: 100,
      });
    } catch (error) {
      await relay.stop();
      throw error;
    }
    return relay;
  }

  get url(): string {
    return this.#url;
  }

  get pid(): number {
    return this.#child.pid ?? 0;
  }

  /** The relay's processes: the workers', or the primary's when it is the relay. */
  get relayPids(): number[] {
    return [...this.#workerByPid.keys()];
  }

  /**
   * Viewer sessions opened so far on each worker, by worker index: every session it logged
   * open, less those of publishers (a `broadcast announced` each) and of the other workers
   * reaching it as a cluster peer (the dialing worker logs `cluster peer session open`).
   */
  viewersByWorker(): number[] {
    const counts = Array.from({ length: this.workers }, () => 0);
    for (const [pid, worker] of this.#workerByPid) {
      counts[worker] = (this.#sessionsByPid.get(pid) ?? 0) - (this.#publishersByPid.get(pid) ?? 0);
    }
    for (const [node, n] of this.#peerSessionsByNode) {
      const worker = this.#workerByNode.get(node);
      if (worker !== undefined) counts[worker] = (counts[worker] ?? 0) - n;
    }
    return counts;
  }

  get warnings(): readonly string[] {
    return this.#warnings;
  }

  /** CPU of the primary and every worker (the primary's own work counts too). */
  cpu(): TreeCpu {
    const cpuSeconds = new Map<number, number>();
    let rssBytes = 0;
    for (const pid of this.#tree()) {
      const stat = readStat(pid);
      if (!stat) continue;
      cpuSeconds.set(pid, stat.cpuSeconds);
      rssBytes += stat.rssBytes;
    }
    return { at: wallNow(), cpuSeconds, rssBytes };
  }

  /** Pids of the tree still alive: after `stop`, anything here is a leaked process. */
  alive(): number[] {
    return this.#tree().filter((pid) => readStat(pid) !== undefined);
  }

  /** The primary and the workers, once each (with `--workers 1` the primary is the relay). */
  #tree(): number[] {
    return [...new Set([this.pid, ...this.relayPids])];
  }

  /** SIGTERM, as an operator's service manager would; SIGKILL if it hangs. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGTERM');
    }
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.#exited;
    clearTimeout(timer);
  }

  #ready(): boolean {
    return this.#url !== '' && this.#workerByPid.size === this.workers;
  }

  #read(line: string): void {
    let entry: LogLine;
    try {
      entry = JSON.parse(line) as LogLine;
    } catch {
      return;
    }
    const pid = entry.pid ?? 0;
    if (entry.msg === 'relay worker listening') {
      this.#workerByPid.set(pid, entry.worker ?? 0);
      if (entry.node) this.#workerByNode.set(entry.node, entry.worker ?? 0);
    }
    if (entry.msg === 'relay listening') {
      this.#url = entry.url ?? '';
      if (this.workers === 1) this.#workerByPid.set(pid, 0);
    }
    if (entry.msg === 'session open') increment(this.#sessionsByPid, pid);
    if (entry.msg === 'broadcast announced') increment(this.#publishersByPid, pid);
    if (entry.msg === 'cluster peer session open' && entry.peer) {
      increment(this.#peerSessionsByNode, entry.peer);
    }
    // pino's warn is 40: a worker that died or failed, or a session refused, is news.
    if ((entry.level ?? 0) >= 40) this.#warnings.push(line);
  }
}

function increment<K>(counts: Map<K, number>, key: K): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** CPU seconds between two readings, summed over the pids present in both. */
export function treeCpuSeconds(a: TreeCpu, b: TreeCpu): number {
  let total = 0;
  for (const [pid, after] of b.cpuSeconds) {
    const before = a.cpuSeconds.get(pid);
    if (before !== undefined) total += after - before;
  }
  return total;
}

/** CPU seconds of one pid between two readings. */
export function pidCpuSeconds(a: TreeCpu, b: TreeCpu, pid: number): number {
  return (b.cpuSeconds.get(pid) ?? 0) - (a.cpuSeconds.get(pid) ?? 0);
}

function readStat(pid: number): { cpuSeconds: number; rssBytes: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces; the fields after its closing ')' are fixed.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z') return undefined; // a zombie has exited
  // Fields 14 utime, 15 stime, 24 rss (pages): indices 11, 12, 21 after the state (field 3).
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { cpuSeconds: ticks / TICKS_PER_SECOND, rssBytes: Number(fields[21]) * PAGE_BYTES };
}
