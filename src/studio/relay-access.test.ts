import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connectRelay } from '../client/index.js';
import {
  BroadcastProducer,
  MoqError,
  PublishNamespaceErrorCode,
  type MoqSession,
} from '../moq/index.js';
import { readAll, writeGroups } from '../relay/relay-test-kit.js';
import { nodeDialers } from '../transport/index.js';
import { EmbeddedRelay } from './embedded-relay.js';
import { RELAY_KEY_FILE } from './relay-access.js';

let dataDir: string;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'studio-relay-access-'));
});

after(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** Reach the relay on loopback whatever address it is bound to. */
async function connect(url: string, transport: 'quic' | 'websocket' = 'quic'): Promise<MoqSession> {
  const local = new URL(url);
  local.hostname = '127.0.0.1';
  return (await connectRelay(local, nodeDialers, { transport })).session;
}

async function refusedPublish(session: MoqSession, path: string): Promise<number> {
  const broadcast = new BroadcastProducer(path.split('/'));
  return session.publish(broadcast).then(
    () => assert.fail(`${path} was accepted`),
    (e: unknown) => {
      assert.ok(e instanceof MoqError);
      return e.code;
    },
  );
}

describe("the studio's embedded relay", { timeout: 60_000 }, () => {
  test('bound beyond loopback: only the studio publishes; viewers watch and chat', async () => {
    const embedded = new EmbeddedRelay('0.0.0.0', dataDir);
    assert.equal(embedded.access, 'publish-protected');
    const relay = await embedded.ensure(0);
    try {
      assert.equal((await stat(join(dataDir, RELAY_KEY_FILE))).mode & 0o777, 0o600);
      const studioUrl = await embedded.publishUrl();
      assert.ok(studioUrl?.includes('jwt='), 'the studio publishes with its own token');
      const studio = await connect(studioUrl!);
      const broadcast = new BroadcastProducer(['show']);
      const track = broadcast.createTrack('video');
      await studio.publish(broadcast);

      const stranger = await connect(embedded.url!, 'websocket');
      assert.equal(await refusedPublish(stranger, 'show2'), PublishNamespaceErrorCode.UNAUTHORIZED);
      assert.equal(
        await refusedPublish(stranger, 'show/chat/abc'),
        PublishNamespaceErrorCode.UNAUTHORIZED,
      );
      embedded.allowViewerChat('show');
      await stranger.publish(new BroadcastProducer(['show', 'chat', 'abc']));

      const viewer = await connect(embedded.url!);
      const reading = readAll(await viewer.subscribe(['show'], 'video'));
      await writeGroups(track, 2, 2);
      track.close();
      assert.equal((await reading).length, 2);
      assert.equal(relay.sessionCount, 3);
      viewer.close();
      stranger.close();
      studio.close();
    } finally {
      await embedded.close();
    }
  });

  test('on loopback it stays open as before', async () => {
    const embedded = new EmbeddedRelay('127.0.0.1', dataDir);
    assert.equal(embedded.access, 'loopback');
    await embedded.ensure(0);
    try {
      assert.equal(await embedded.publishUrl(), embedded.url);
      const anyone = await connect(embedded.url!);
      await anyone.publish(new BroadcastProducer(['local']));
      anyone.close();
    } finally {
      await embedded.close();
    }
  });
});
