import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connectRelay, dialRelay, protocolsForDraft } from '../client/index.js';
import {
  BroadcastProducer,
  MoqSession,
  PublishNamespaceErrorCode,
  SessionCloseCode,
  SubscribeErrorCode,
  Version,
} from '../moq/index.js';
import { nodeDialers } from '../transport/index.js';
import { assertDenied, assertRefused } from './auth/auth-test-kit.js';
import { Authorizer, KeySet, generateKey, signToken, type GeneratedKey } from './auth/index.js';
import { Relay } from './relay.js';
import { readAll, writeGroups } from './relay-test-kit.js';

/** The relay's token checks on draft-18 sessions: ?jwt=, SETUP's AUTHORIZATION TOKEN, grants. */
let relay: Relay;
let key: GeneratedKey;

before(async () => {
  key = await generateKey('HS256', 'd18-1');
  const keys = await KeySet.fromJwks([key.publicJwk]);
  relay = await Relay.start({ port: 0, host: '127.0.0.1', auth: new Authorizer({ keys }) });
});

after(async () => {
  await relay.close();
});

const token = (claims: { put?: string; get?: string }, expiresInS = 3600): Promise<string> =>
  signToken(key.privateJwk, claims, { expiresInS });

async function d18With(jwt: string | undefined, transport: 'quic' | 'websocket' = 'quic') {
  const url = new URL(`http://127.0.0.1:${relay.port}/`);
  if (jwt !== undefined) url.searchParams.set('jwt', jwt);
  const connection = await connectRelay(url, nodeDialers, {
    transport,
    protocols: protocolsForDraft(18),
  });
  assert.equal(connection.session.version, Version.DRAFT_18);
  return connection.session;
}

describe('relay auth on draft-18 sessions', () => {
  test('?jwt= grants: publish inside, subscribe inside; outside is UNAUTHORIZED', async () => {
    const pub = await d18With(await token({ put: 'd18auth' }));
    const broadcast = new BroadcastProducer(['d18auth', 'cam']);
    const track = broadcast.createTrack('video');
    await pub.publish(broadcast);
    await assertDenied(
      pub.publish(new BroadcastProducer(['elsewhere', 'cam'])),
      PublishNamespaceErrorCode.UNAUTHORIZED,
    );
    const viewer = await d18With(await token({ get: 'd18auth' }), 'websocket');
    await assertDenied(viewer.subscribe(['other'], 'video'), SubscribeErrorCode.UNAUTHORIZED);
    const reading = readAll(await viewer.subscribe(['d18auth', 'cam'], 'video'));
    await writeGroups(track, 2, 3);
    track.close();
    assert.equal((await reading).length, 2);
    viewer.close();
    pub.close();
  });

  test('no token: the session is refused UNAUTHORIZED at SETUP', async () => {
    await assertRefused(d18With(undefined), SessionCloseCode.UNAUTHORIZED);
  });

  test('an expired token: refused EXPIRED_AUTH_TOKEN', async () => {
    await assertRefused(
      d18With(await token({ get: 'x' }, -60)),
      SessionCloseCode.EXPIRED_AUTH_TOKEN,
    );
  });

  test("a token in draft-18 SETUP's AUTHORIZATION TOKEN option works like ?jwt=", async () => {
    const dialed = await dialRelay(`http://127.0.0.1:${relay.port}/`, nodeDialers, {
      transport: 'quic',
      protocols: protocolsForDraft(18),
    });
    const session = await MoqSession.connect(dialed.transport, {
      authorizationToken: await token({ put: 'd18setup' }),
    });
    assert.equal(session.version, Version.DRAFT_18);
    await session.publish(new BroadcastProducer(['d18setup', 'cam']));
    await assertDenied(
      session.publish(new BroadcastProducer(['other', 'cam'])),
      PublishNamespaceErrorCode.UNAUTHORIZED,
    );
    session.close();
  });
});
