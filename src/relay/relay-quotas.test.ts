import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dialRelay } from '../client/index.js';
import {
  BroadcastProducer,
  PublishNamespaceErrorCode,
  SessionCloseCode,
  type MoqSession,
} from '../moq/index.js';
import { nodeDialers } from '../transport/index.js';
import { Relay } from './relay.js';
import { join, publisher, readAll, writeGroups } from './relay-test-kit.js';

let relay: Relay;
before(async () => {
  relay = await Relay.start({
    port: 0,
    host: '127.0.0.1',
    limits: { maxAnnouncesPerSession: 5, maxSessionsPerToken: 3 },
  });
});
after(() => relay.close());

describe('relay: per-session and per-token quotas', { timeout: 120_000 }, () => {
  test('an announce past the quota is refused (PUBLISH_NAMESPACE_ERROR); a bystander is fine', async () => {
    const pub = await publisher(relay, ['quota', 'healthy'], 'video');
    const sub = await join(relay);
    const reading = readAll(await sub.subscribe(['quota', 'healthy'], 'video'));

    const greedy: MoqSession = await join(relay);
    for (let i = 0; i < 5; i++) await greedy.publish(new BroadcastProducer(['quota', `n${i}`]));
    await assert.rejects(greedy.publish(new BroadcastProducer(['quota', 'n5'])), (error) => {
      const { code, message } = error as { code: number; message: string };
      assert.equal(code, PublishNamespaceErrorCode.UNAUTHORIZED);
      assert.match(message, /announce quota/);
      return true;
    });
    // The refused request harms nothing: the session stays, its other broadcasts too.
    assert.equal(greedy.isClosed, false);
    assert.equal(relay.origin.active(['quota']).length, 6);

    await writeGroups(pub.track, 5, 5, 10);
    pub.track.close();
    const got = await reading;
    assert.equal(got.length, 5);
    for (const group of got) assert.equal(group.objects.length, 5);
    greedy.close();
    sub.close();
    pub.session.close();
  });

  test('sessions per ?jwt= token are capped with TOO_MANY_REQUESTS; other tokens get in', async () => {
    const url = (token: string): string => `http://127.0.0.1:${relay.port}/?jwt=${token}`;
    const held = await Promise.all(
      [1, 2, 3].map(() => dialRelay(url('aaa'), nodeDialers, { transport: 'websocket' })),
    );
    const fourth = await dialRelay(url('aaa'), nodeDialers, { transport: 'websocket' });
    const info = await fourth.transport.closed.catch((e: unknown) => e as WebTransportCloseInfo);
    assert.equal(info.closeCode, SessionCloseCode.TOO_MANY_REQUESTS);
    assert.match(info.reason ?? '', /token/);
    const other = await dialRelay(url('bbb'), nodeDialers, { transport: 'websocket' });
    for (const d of [...held, other]) d.transport.close();
  });
});
