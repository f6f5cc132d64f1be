// A host of its own behind a shaped link, for tests that need a real network between a relay
// and a viewer: a network namespace joined to this one by a veth pair, with tbf (rate) and,
// where the kernel has it, netem (delay, loss) on the way into it. Needs root and iproute2.
// Everything it makes is removed by close(); a namespace whose creator died is swept next run.
import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PREFIX = 'mtb';
let created = 0;

export interface LinkShape {
  rateKbit: number;
  delayMs?: number;
  jitterMs?: number;
  lossPercent?: number;
  /** The rate limiter's queue in milliseconds at the rate (100 unless given): a shallow buffer. */
  queueMs?: number;
}

/** Whether this machine can build links (root, `ip` and `tc`). */
export async function netnsAvailable(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  try {
    await run('ip', ['netns', 'list']);
    await run('tc', ['-V']);
    return true;
  } catch {
    return false;
  }
}

export class NetnsLink {
  /** The namespace's name; processes started by spawn() run in it. */
  readonly namespace: string;
  /** This side's address (where a relay here listens for the namespace's processes). */
  readonly hostAddress: string;
  /** The namespace's own address. */
  readonly peerAddress: string;
  readonly #hostDevice: string;
  readonly #children = new Set<ChildProcess>();
  #closed = false;
  #netem = false;

  private constructor(id: string, subnet: [string, string]) {
    this.namespace = `${PREFIX}${id}`;
    this.#hostDevice = `${PREFIX}${id}h`;
    [this.hostAddress, this.peerAddress] = subnet;
  }

  static async create(shape: LinkShape): Promise<NetnsLink> {
    await sweepLeftovers();
    const n = created++ % 16;
    const id = `${process.pid}x${n}`;
    const link = new NetnsLink(id, subnetFor(process.pid, n));
    try {
      await link.#build(shape);
    } catch (error) {
      await link.close();
      throw error;
    }
    return link;
  }

  async #build(shape: LinkShape): Promise<void> {
    const ns = this.namespace;
    const peer = `${PREFIX}${this.namespace.slice(PREFIX.length)}p`;
    await ip('netns', 'add', ns);
    await ip('link', 'add', this.#hostDevice, 'type', 'veth', 'peer', 'name', peer);
    await ip('link', 'set', peer, 'netns', ns);
    await ip('addr', 'add', `${this.hostAddress}/30`, 'dev', this.#hostDevice);
    await ip('link', 'set', this.#hostDevice, 'up');
    await ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${this.peerAddress}/30`, 'dev', peer);
    await ip('netns', 'exec', ns, 'ip', 'link', 'set', peer, 'up');
    await ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
    await this.#qdiscs('add', shape);
  }

  /** Changes the link into the namespace at run time (rate, delay, loss). */
  async shape(shape: LinkShape): Promise<void> {
    await this.#qdiscs('change', shape);
  }

  /**
   * tbf (rate) at the root; netem (delay, jitter, loss) under it only when asked for — some
   * kernels (this project's CI VM among them) have no netem, and a rate alone needs none.
   */
  async #qdiscs(verb: 'add' | 'change', shape: LinkShape): Promise<void> {
    const dev = this.#hostDevice;
    await tc('qdisc', verb, 'dev', dev, 'root', 'handle', '1:', 'tbf', ...tbf(shape));
    if (!shape.delayMs && !shape.jitterMs && !shape.lossPercent) {
      if (this.#netem) await tc('qdisc', 'del', 'dev', dev, 'parent', '1:', 'handle', '2:');
      this.#netem = false;
      return;
    }
    const netemVerb = this.#netem ? 'change' : 'add';
    try {
      await tc(
        'qdisc',
        netemVerb,
        'dev',
        dev,
        'parent',
        '1:',
        'handle',
        '2:',
        'netem',
        ...netem(shape),
      );
    } catch (error) {
      throw new Error(`delay and loss need the kernel's netem qdisc: ${String(error)}`, {
        cause: error,
      });
    }
    this.#netem = true;
  }

  /** Starts a process inside the namespace; close() kills it if it is still running. */
  spawn(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.namespace, command, ...args], options);
    this.#children.add(child);
    child.once('exit', () => this.#children.delete(child));
    return child;
  }

  /** Kills what runs inside and removes the namespace (its veth pair and qdiscs go with it). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const child of this.#children) child.kill('SIGKILL');
    await ip('link', 'del', this.#hostDevice).catch(() => undefined);
    await ip('netns', 'del', this.namespace).catch(() => undefined);
  }
}

/**
 * A /30 of 10.64.0.0/10 of its own per (process, link): the pid's low 16 bits and the link's
 * number pick it, so links of concurrent test processes never share addresses.
 */
function subnetFor(pid: number, n: number): [string, string] {
  const base = (64 << 16) + ((pid & 0xffff) * 16 + n) * 4;
  const at = (offset: number): string =>
    `10.${((base + offset) >> 16) & 255}.${((base + offset) >> 8) & 255}.${(base + offset) & 255}`;
  return [at(1), at(2)];
}

function netem(shape: LinkShape): string[] {
  const args = ['delay', `${shape.delayMs ?? 0}ms`];
  if (shape.jitterMs) args.push(`${shape.jitterMs}ms`);
  if (shape.lossPercent) args.push('loss', `${shape.lossPercent}%`);
  // A queue long enough that netem itself never drops; tbf above does the policing.
  return [...args, 'limit', '10000'];
}

function tbf(shape: LinkShape): string[] {
  // A small bucket (2 ms of the rate, at least two full packets): a big one lets bursts through
  // at line rate, and delivery-rate samples then show capacity the link does not have.
  const burstBytes = Math.max(3200, Math.round((shape.rateKbit * 1000) / 8 / 500));
  const queue = `${shape.queueMs ?? 100}ms`;
  return ['rate', `${shape.rateKbit}kbit`, 'burst', String(burstBytes), 'latency', queue];
}

async function ip(...args: string[]): Promise<void> {
  await run('ip', args);
}

async function tc(...args: string[]): Promise<void> {
  await run('tc', args);
}

/** Namespaces of ours whose creating process is gone (a run killed before its cleanup). */
async function sweepLeftovers(): Promise<void> {
  const { stdout } = await run('ip', ['netns', 'list']);
  for (const line of stdout.split('\n')) {
    const match = new RegExp(`^${PREFIX}(\\d+)x(\\d+)`).exec(line.trim());
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    await ip('link', 'del', `${PREFIX}${match[1]}x${match[2]}h`).catch(() => undefined);
    await ip('netns', 'del', `${PREFIX}${match[1]}x${match[2]}`).catch(() => undefined);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
