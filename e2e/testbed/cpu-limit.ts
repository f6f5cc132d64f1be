// A CPU quota for the processes of a test: a cgroup of its own holding them to a share of one
// core (v1: cpu.cfs_quota_us over cpu.cfs_period_us, as on this project's CI machine; v2:
// cpu.max). Needs root. close() moves what is left back out and removes the group.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const V1_ROOT = '/sys/fs/cgroup/cpu';
const V2_ROOT = '/sys/fs/cgroup';
const PERIOD_US = 100_000;
const PREFIX = 'moq-testbed-';
let created = 0;

/** Whether a CPU quota can be set here (root and a cgroup CPU controller). */
export function cpuLimitAvailable(): boolean {
  if (process.getuid?.() !== 0) return false;
  return (
    existsSync(join(V1_ROOT, 'cpu.cfs_quota_us')) || existsSync(join(V2_ROOT, 'cgroup.controllers'))
  );
}

export class CpuLimit {
  /** The group's directory; its `cgroup.procs` takes the pids to hold. */
  readonly path: string;
  readonly #parent: string;
  #closed = false;

  private constructor(path: string, parent: string) {
    this.path = path;
    this.#parent = parent;
  }

  /** A group holding its processes to `cores` of one CPU (0.5 = half a core). */
  static async create(cores: number): Promise<CpuLimit> {
    const name = `${PREFIX}${process.pid}-${created++}`;
    const quotaUs = Math.max(1000, Math.round(cores * PERIOD_US));
    if (existsSync(join(V1_ROOT, 'cpu.cfs_quota_us'))) {
      const limit = new CpuLimit(join(V1_ROOT, name), V1_ROOT);
      await mkdir(limit.path);
      await writeFile(join(limit.path, 'cpu.cfs_period_us'), String(PERIOD_US));
      await writeFile(join(limit.path, 'cpu.cfs_quota_us'), String(quotaUs));
      return limit;
    }
    const limit = new CpuLimit(join(V2_ROOT, name), V2_ROOT);
    const control = await readFile(join(V2_ROOT, 'cgroup.subtree_control'), 'utf8');
    if (!control.split(/\s+/).includes('cpu')) {
      await writeFile(join(V2_ROOT, 'cgroup.subtree_control'), '+cpu');
    }
    await mkdir(limit.path);
    await writeFile(join(limit.path, 'cpu.max'), `${quotaUs} ${PERIOD_US}`);
    return limit;
  }

  /** Puts a running process (and the children it starts from now on) under the quota. */
  async add(pid: number): Promise<void> {
    await writeFile(join(this.path, 'cgroup.procs'), String(pid));
  }

  /** Moves any process still inside back to the parent, then removes the group. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const procs = await readFile(join(this.path, 'cgroup.procs'), 'utf8').catch(() => '');
    for (const pid of procs.split('\n').filter(Boolean)) {
      await writeFile(join(this.#parent, 'cgroup.procs'), pid).catch(() => undefined);
    }
    await rmdir(this.path).catch(() => undefined);
  }
}
