import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createClient } from 'redis';
import { until } from '../../async/index.js';
import { GroupConsumer, type TrackConsumer } from '../../moq/index.js';
import { decode } from '../relay-test-kit.js';

/** A free TCP port on loopback (for redis-server, which must be told one). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A real redis-server on `port`, no persistence; `stop()` kills it (SIGKILL: a crash). */
export class RedisServer {
  readonly url: string;
  #child: ChildProcess | undefined;

  private constructor(readonly port: number) {
    this.url = `redis://127.0.0.1:${port}`;
  }

  static async start(port?: number): Promise<RedisServer> {
    const server = new RedisServer(port ?? (await freePort()));
    await server.restart();
    return server;
  }

  /** (Re)starts it on the same port, empty, and waits until it answers. */
  async restart(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', ''];
    args.push('--appendonly', 'no');
    this.#child = spawn('/usr/bin/redis-server', args, { stdio: 'ignore' });
    await until('redis-server answering', () => this.ping(), { timeoutMs: 15_000 });
  }

  async ping(): Promise<boolean> {
    const client = createClient({ url: this.url, socket: { reconnectStrategy: false } });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.destroy();
    }
  }

  /** The value of `key`, or null. */
  async get(key: string): Promise<string | null> {
    const client = createClient({ url: this.url, socket: { reconnectStrategy: false } });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await client.get(key);
    } finally {
      client.destroy();
    }
  }

  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

/** Reads groups (as `groupId → payloads`) until `count` were read whole, or the track ended. */
export async function readGroups(
  consumer: TrackConsumer,
  count: number,
  signal?: AbortSignal,
): Promise<Array<{ groupId: number; objects: string[] }>> {
  const out: Array<{ groupId: number; objects: string[] }> = [];
  while (out.length < count) {
    const next = await consumer.nextGroup(signal);
    if (next === undefined) return out;
    if (!(next instanceof GroupConsumer)) continue;
    const objects: string[] = [];
    for (let o = await next.readObject(signal); o; o = await next.readObject(signal)) {
      objects.push(decode(o.payload));
    }
    out.push({ groupId: next.groupId, objects });
  }
  return out;
}
