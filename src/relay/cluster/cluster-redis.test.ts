import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { until } from '../../async/index.js';
import { connectRelay } from '../../client/index.js';
import {
  BroadcastProducer,
  MoqError,
  type MoqSession,
  type TrackConsumer,
} from '../../moq/index.js';
import { nodeDialers } from '../../transport/index.js';
import { Relay } from '../relay.js';
import { writeGroups } from '../relay-test-kit.js';
import { RedisServer, freePort, readGroups } from './cluster-test-kit.js';
import { RedisRegistry } from './index.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const GRACE_MS = 3000;

/** Relays on loopback joined through a real redis-server; relay A is a real process. */
describe('relay cluster on Redis', () => {
  let redis: RedisServer;
  let relayA: ChildProcess | undefined;
  let urlA = '';
  const relays: Relay[] = [];
  const sessions: MoqSession[] = [];

  const startRelay = async (upstream?: string): Promise<Relay> => {
    const port = await freePort();
    const registry = await RedisRegistry.connect({ url: redis.url, scanIntervalMs: 500 });
    const relay = await Relay.start({
      host: '127.0.0.1',
      port,
      cluster: { registry, node: `http://127.0.0.1:${port}/`, upstream, graceMs: GRACE_MS },
    });
    relays.push(relay);
    return relay;
  };
  const open = async (url: string): Promise<MoqSession> => {
    const { session } = await connectRelay(url, nodeDialers, { transport: 'quic' });
    sessions.push(session);
    return session;
  };
  const urlOf = (relay: Relay): string => `http://127.0.0.1:${relay.port}/`;
  const subscribeWhenListed = (session: MoqSession, ns: string[]): Promise<TrackConsumer> =>
    until('the broadcast listed', () => session.subscribe(ns, 'video').catch(() => undefined), {
      timeoutMs: 15_000,
    });

  before(async () => {
    redis = await RedisServer.start();
    const port = await freePort();
    urlA = `http://127.0.0.1:${port}/`;
    relayA = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src/cli/moq-relay.ts'), '--bind', `127.0.0.1:${port}`].concat(
        ['--cluster-redis', redis.url, '--cluster-node', urlA, '--workers', '1'],
        ['--cluster-grace-ms', String(GRACE_MS)],
      ),
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const lines: string[] = [];
    createInterface({ input: relayA.stdout! }).on('line', (line) => lines.push(line));
    await until('relay A listening', () => lines.some((l) => l.includes('"relay listening"')), {
      timeoutMs: 60_000,
    });
  });

  after(async () => {
    for (const session of sessions) session.close();
    await Promise.all(relays.map((relay) => relay.close()));
    relayA?.kill('SIGKILL');
    await redis.stop();
  });

  it('lists, delivers, survives Redis restarting, and moves viewers when A dies', async () => {
    const b = await startRelay();
    const c = await startRelay();
    const ns = ['live', 'cluster'];

    // A publisher on A, seen on C by namespace subscription.
    const publisher = await open(urlA);
    const broadcast = new BroadcastProducer(ns);
    const track = broadcast.createTrack('video');
    await publisher.publish(broadcast);
    const watcher = await open(urlOf(c));
    const stop = new AbortController();
    const seen: string[] = [];
    void (async () => {
      for await (const a of watcher.announced(['live'], stop.signal)) {
        seen.push(`${a.active ? '+' : '-'}${a.namespace.join('/')}`);
      }
    })();
    await until('C lists A’s broadcast', () => seen.includes('+live/cluster'));

    // 20 viewers on C: every object of every group, one upstream subscription and session at A.
    const viewers = await Promise.all(Array.from({ length: 20 }, () => open(urlOf(c))));
    const readers = await Promise.all(viewers.map((v) => subscribeWhenListed(v, ns)));
    const first = readers.map((r) => readGroups(r, 5));
    await writeGroups(track, 5, 4, 30);
    for (const got of await Promise.all(first)) {
      assert.deepEqual(
        got.map((g) => g.objects),
        [0, 1, 2, 3, 4].map((g) => [0, 1, 2, 3].map((o) => `${g}:${o}`)),
      );
    }
    assert.deepEqual(c.cluster?.peers, [urlA], 'one session from C, to A only');
    const health = (await (await fetch(`${urlA}healthz`)).json()) as { sessions: number };
    assert.equal(health.sessions, 2, 'A serves the publisher and one session from C');

    // Redis restarts empty: the claims come back, new broadcasts are seen, viewers keep going.
    await redis.stop();
    const during = readers.map((r) => readGroups(r, 2));
    await writeGroups(track, 2, 1, 30);
    for (const got of await Promise.all(during)) assert.equal(got.length, 2);
    await redis.restart();
    const restartedAt = Date.now();
    await until(
      'A’s claim back in Redis',
      async () => (await redis.get(`moq:broadcast:${JSON.stringify(ns)}`)) === urlA,
      { timeoutMs: 10_000 },
    );
    const onB = await open(urlOf(b));
    const other = new BroadcastProducer(['live', 'after-restart']);
    other.createTrack('video');
    await onB.publish(other);
    await until('C lists B’s new broadcast', () => seen.includes('+live/after-restart'), {
      timeoutMs: 10_000,
    });
    assert.ok(Date.now() - restartedAt < 10_000, 'recovered within 10 s');

    // A dies; the publisher comes back on B within the grace: C's viewers keep their
    // subscriptions and read on.
    relayA?.kill('SIGKILL');
    const republisher = await open(urlOf(b));
    const again = new BroadcastProducer(ns);
    const track2 = again.createTrack('video');
    await republisher.publish(again);
    const resumed = readers.map((r) => readGroups(r, 2));
    await until('C reads from B', () => c.cluster?.peers.includes(urlOf(b)) ?? false);
    const writing = (async () => {
      // Bounded, so a failing assertion above cannot leave it running.
      for (let i = 0; i < 600 && !stop.signal.aborted && !track2.isClosed; i++) {
        await writeGroups(track2, 1, 1, 50);
      }
    })();
    for (const got of await Promise.all(resumed)) assert.equal(got.length, 2);

    // The publisher drops for good: after the grace the viewers see the end, with a reason.
    republisher.close(new MoqError(0x1, 'publisher lost'));
    const ends = await Promise.all(
      readers.map((r) =>
        readGroups(r, 1000).then(
          () => undefined,
          (error: unknown) => error,
        ),
      ),
    );
    for (const end of ends) {
      assert.ok(end instanceof MoqError, `ended with ${String(end)}`);
      assert.ok(end.reason.length > 0);
    }
    stop.abort();
    await writing.catch(() => undefined);
  });

  it('goes edge → mid → origin when the edge has an upstream', async () => {
    const origin = await startRelay();
    const mid = await startRelay();
    const edge = await startRelay(urlOf(mid));
    const ns = ['live', 'hops'];
    const publisher = await open(urlOf(origin));
    const broadcast = new BroadcastProducer(ns);
    const track = broadcast.createTrack('video');
    await publisher.publish(broadcast);
    const viewer = await open(urlOf(edge));
    const reader = await subscribeWhenListed(viewer, ns);
    const reading = readGroups(reader, 3);
    await writeGroups(track, 3, 2, 30);
    assert.deepEqual(
      (await reading).map((g) => g.objects),
      [0, 1, 2].map((g) => [`${g}:0`, `${g}:1`]),
    );
    assert.deepEqual(edge.cluster?.peers, [urlOf(mid)], 'the edge asks the mid relay');
    assert.deepEqual(mid.cluster?.peers, [urlOf(origin)], 'the mid relay asks the origin');
  });
});
