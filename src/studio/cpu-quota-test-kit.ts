// A CPU hog for tests: a cgroup that caps the CPU time of the processes put in it. Needs root.
import { access, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { until } from '../async/index.js';

const V1_CPU = '/sys/fs/cgroup/cpu';
const V2_ROOT = '/sys/fs/cgroup';
const PERIOD_US = 100_000;
let created = 0;

/** Why a CPU quota cannot be made here, or undefined when it can. */
export async function cpuQuotaUnavailable(): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'cgroups are Linux only';
  if (process.getuid?.() !== 0) return 'needs root to create a cgroup (run the tests as root)';
  if (await exists(join(V1_CPU, 'cpu.cfs_quota_us'))) return undefined;
  if (await exists(join(V2_ROOT, 'cgroup.controllers'))) return undefined;
  return `no cgroup CPU controller at ${V1_CPU} (v1) or ${V2_ROOT} (v2)`;
}

/** A child cgroup limited to `percent` of one CPU; `remove` moves its processes out and deletes it. */
export class CpuQuota {
  readonly #dir: string;
  readonly #root: string;
  readonly #v2: boolean;

  private constructor(dir: string, root: string, v2: boolean) {
    this.#dir = dir;
    this.#root = root;
    this.#v2 = v2;
  }

  static async create(percent: number): Promise<CpuQuota> {
    const v2 = !(await exists(join(V1_CPU, 'cpu.cfs_quota_us')));
    const root = v2 ? V2_ROOT : V1_CPU;
    const dir = join(root, `moq-test-hog-${process.pid}-${Date.now()}-${created++}`);
    if (v2) await enableCpuController();
    await mkdir(dir);
    const quota = new CpuQuota(dir, root, v2);
    const quotaUs = Math.round((PERIOD_US * percent) / 100);
    try {
      if (v2) {
        await writeFile(join(dir, 'cpu.max'), `${quotaUs} ${PERIOD_US}`);
      } else {
        await writeFile(join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
        await writeFile(join(dir, 'cpu.cfs_quota_us'), String(quotaUs));
      }
    } catch (error) {
      await quota.remove();
      throw error;
    }
    return quota;
  }

  /**
   * The group's `cgroup.procs`: a launcher script writes its own pid here before it execs the
   * program, so every process the program starts is held too.
   */
  get procsFile(): string {
    return join(this.#dir, 'cgroup.procs');
  }

  /** Moves a process (all its threads) into the group. */
  async add(pid: number): Promise<void> {
    await writeFile(join(this.#dir, 'cgroup.procs'), String(pid));
  }

  /** How often the group was held back (v1 `nr_throttled`, v2 the same name). */
  async throttled(): Promise<number> {
    const stat = await readFile(join(this.#dir, 'cpu.stat'), 'utf8');
    return Number(/nr_throttled (\d+)/.exec(stat)?.[1] ?? 0);
  }

  /** Moves any process left back to the root group and removes the group. Safe to call twice. */
  async remove(): Promise<void> {
    if (!(await exists(this.#dir))) return;
    const procs = await readFile(join(this.#dir, 'cgroup.procs'), 'utf8').catch(() => '');
    for (const pid of procs.split('\n').filter((line) => line.trim().length > 0)) {
      await writeFile(join(this.#root, 'cgroup.procs'), pid).catch(() => undefined);
    }
    // A process that just exited may linger in the group for a moment.
    await until(
      `cgroup ${this.#dir} removed`,
      async () => {
        await rmdir(this.#dir);
        return true;
      },
      { timeoutMs: 5_000 },
    );
  }

  get v2(): boolean {
    return this.#v2;
  }
}

/** cgroup v2 hands the cpu controller to child groups only when the parent enables it. */
async function enableCpuController(): Promise<void> {
  const control = await readFile(join(V2_ROOT, 'cgroup.subtree_control'), 'utf8');
  if (!control.split(/\s+/).includes('cpu')) {
    await writeFile(join(V2_ROOT, 'cgroup.subtree_control'), '+cpu');
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
