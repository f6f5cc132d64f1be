// An authenticated cluster: two relays that take only tokens signed with one key, joined through
// a real redis-server, talking to each other with a cluster token (`cluster: true`).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { until } from '../../async/index.js';
import { RelayClientError, connectRelay } from '../../client/index.js';
import { BroadcastProducer, type MoqSession } from '../../moq/index.js';
import { nodeDialers } from '../../transport/index.js';
import {
  Authorizer,
  KeySet,
  generateKey,
  signClusterToken,
  signToken,
  type GeneratedKey,
} from '../auth/index.js';
import { Relay } from '../relay.js';
import { writeGroups } from '../relay-test-kit.js';
import { RedisServer, freePort, readGroups } from './cluster-test-kit.js';
import { RedisRegistry } from './index.js';

describe('an authenticated cluster on Redis', () => {
  let redis: RedisServer;
  let key: GeneratedKey;
  const relays: Relay[] = [];
  const sessions: MoqSession[] = [];

  const startRelay = async (clusterToken: string | undefined): Promise<Relay> => {
    const port = await freePort();
    const registry = await RedisRegistry.connect({ url: redis.url, scanIntervalMs: 500 });
    const relay = await Relay.start({
      host: '127.0.0.1',
      port,
      auth: new Authorizer({ keys: await KeySet.fromJwks([key.publicJwk]) }),
      cluster: { registry, node: `http://127.0.0.1:${port}/`, token: clusterToken },
    });
    relays.push(relay);
    return relay;
  };
  const open = async (relay: Relay, token: string): Promise<MoqSession> => {
    const url = `http://127.0.0.1:${relay.port}/?jwt=${token}`;
    const { session } = await connectRelay(url, nodeDialers, { transport: 'quic' });
    sessions.push(session);
    return session;
  };

  before(async () => {
    redis = await RedisServer.start();
    key = await generateKey('ES256', 'cluster-test');
  });

  after(async () => {
    for (const session of sessions) session.close();
    await Promise.all(relays.map((relay) => relay.close()));
    await redis.stop();
  });

  it('a viewer on C with a get token reads what a publisher with a put token sends on A', async () => {
    const clusterToken = await signClusterToken(key.privateJwk);
    const a = await startRelay(clusterToken);
    const c = await startRelay(clusterToken);
    const put = await signToken(key.privateJwk, { root: 'demo', put: [''], get: [] });
    const get = await signToken(key.privateJwk, { root: 'demo', put: [], get: [''] });
    const pub = await open(a, put);
    const broadcast = new BroadcastProducer(['demo', 'show']);
    const track = broadcast.createTrack('video');
    await pub.publish(broadcast);
    const viewer = await open(c, get);
    const consumer = await until(
      'the broadcast reachable through C',
      () => viewer.subscribe(['demo', 'show'], 'video').catch(() => undefined),
      { timeoutMs: 15_000 },
    );
    const reading = readGroups(consumer, 3, AbortSignal.timeout(20_000));
    await writeGroups(track, 3, 2, 100);
    const groups = await reading;
    assert.equal(groups.length, 3);
    assert.deepEqual(groups[0]?.objects.length, 2);
    assert.equal(a.auth.deniedCount, 0, 'C reached A with its cluster token');
  });

  it('a relay without the cluster token cannot pull from its peers; C refuses a stranger', async () => {
    const a = relays[0] as Relay;
    const lone = await startRelay(undefined);
    const get = await signToken(key.privateJwk, { root: 'demo', put: [], get: [''] });
    const viewer = await open(lone, get);
    // `lone` sees A's broadcast in Redis and asks A for it without a cluster token: refused.
    const before = a.auth.deniedCount;
    await until(
      'A to refuse the relay that has no cluster token',
      async () => {
        await viewer.subscribe(['demo', 'show'], 'video').then(
          (consumer) => consumer.close(),
          () => undefined,
        );
        return a.auth.deniedCount > before;
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    const stranger = await signToken((await generateKey('ES256', 'cluster-test')).privateJwk, {
      root: 'demo',
      put: [''],
      get: [''],
    });
    await assert.rejects(
      connectRelay(`http://127.0.0.1:${(relays[1] as Relay).port}/?jwt=${stranger}`, nodeDialers, {
        transport: 'quic',
      }),
      (error: unknown) => error instanceof RelayClientError && error.code === 'REFUSED',
    );
  });
});
