import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SignJWT, base64url } from 'jose';
import {
  BroadcastProducer,
  PublishNamespaceErrorCode,
  SessionCloseCode,
  SubscribeErrorCode,
  SubscribeNamespaceErrorCode,
  MoqError,
  type MoqSession,
} from '../../moq/index.js';
import { Relay } from '../relay.js';
import { readAll, until, writeGroups } from '../relay-test-kit.js';
import { assertDenied, assertRefused, joinWith } from './auth-test-kit.js';
import {
  Authorizer,
  KeySet,
  generateKey,
  signToken,
  type Denial,
  type GeneratedKey,
} from './index.js';

let relay: Relay;
let hs: GeneratedKey;
let es: GeneratedKey;
let ed: GeneratedKey;
let stranger: GeneratedKey;
let keyDir: string;
const denials: Denial[] = [];

before(async () => {
  hs = await generateKey('HS256', 'hs-1');
  es = await generateKey('ES256', 'es-1');
  ed = await generateKey('EdDSA', 'ed-1');
  stranger = await generateKey('HS256', 'hs-1'); // same kid, another secret
  keyDir = await mkdtemp(joinPath(tmpdir(), 'relay-auth-'));
  // A moq-dev style key file: JSON with alg, key_ops, kty, k, kid (their `moq-token generate`).
  const moqDevKey = {
    alg: 'HS256',
    key_ops: ['sign', 'verify'],
    kty: 'oct',
    k: base64url.encode(new Uint8Array(32).fill(7)),
    kid: 'moqdev',
  };
  await writeFile(joinPath(keyDir, 'moqdev.jwk'), JSON.stringify(moqDevKey));
  await writeFile(
    joinPath(keyDir, 'rotation.jwks'),
    JSON.stringify({ keys: [hs.publicJwk, es.publicJwk, ed.publicJwk] }),
  );
  const keys = await KeySet.load([
    joinPath(keyDir, 'rotation.jwks'),
    joinPath(keyDir, 'moqdev.jwk'),
  ]);
  relay = await Relay.start({
    port: 0,
    host: '127.0.0.1',
    auth: new Authorizer({ keys, publicPrefixes: ['anon'], onDenied: (d) => denials.push(d) }),
  });
});

after(async () => {
  await relay.close();
  await rm(keyDir, { recursive: true, force: true });
});

const HOUR_S = 3600;

function token(
  key: GeneratedKey,
  claims: { root?: string; put?: string | string[]; get?: string | string[] },
  expiresInS = HOUR_S,
): Promise<string> {
  return signToken(key.privateJwk, claims, { expiresInS });
}

async function publishOn(session: MoqSession, path: string): Promise<BroadcastProducer> {
  const broadcast = new BroadcastProducer(path.split('/'));
  broadcast.createTrack('video');
  await session.publish(broadcast);
  return broadcast;
}

describe('relay auth: publish × subscribe', () => {
  for (const transport of ['quic', 'websocket'] as const) {
    test(`allowed: a token for demo/ publishes and a viewer token subscribes (${transport})`, async () => {
      const pub = await joinWith(relay, {
        token: await token(hs, { root: 'demo', put: '' }),
        transport,
      });
      const broadcast = new BroadcastProducer(['demo', transport]);
      const track = broadcast.createTrack('video');
      await pub.publish(broadcast);
      const sub = await joinWith(relay, {
        token: await token(es, { root: 'demo', get: '' }),
        transport,
      });
      const consumer = await sub.subscribe(['demo', transport], 'video');
      const reading = readAll(consumer);
      await writeGroups(track, 3, 2);
      track.close();
      assert.equal((await reading).length, 3);
      sub.close();
      pub.close();
    });
  }

  test('denied: publishing or subscribing outside the token is UNAUTHORIZED, the session stays', async () => {
    const session = await joinWith(relay, {
      token: await token(ed, { root: 'demo', put: 'alice', get: 'alice' }),
    });
    const reason = await assertDenied(
      publishOn(session, 'demo/bob'),
      PublishNamespaceErrorCode.UNAUTHORIZED,
    );
    assert.match(reason, /demo\/bob/);
    await assertDenied(session.subscribe(['other', 'x'], 'video'), SubscribeErrorCode.UNAUTHORIZED);
    // Allowed requests still work on the same session.
    await publishOn(session, 'demo/alice');
    assert.equal(session.isClosed, false);
    session.close();
  });

  test('roles: a get-only token cannot publish, a put-only token cannot subscribe', async () => {
    const owner = await joinWith(relay, { token: await token(hs, { put: 'roles' }) });
    const broadcast = await publishOn(owner, 'roles/live');
    const reader = await joinWith(relay, { token: await token(hs, { get: 'roles' }) });
    await assertDenied(publishOn(reader, 'roles/other'), PublishNamespaceErrorCode.UNAUTHORIZED);
    const consumer = await reader.subscribe(['roles', 'live'], 'video');
    consumer.close();
    await assertDenied(
      owner.subscribe(['roles', 'live'], 'video'),
      SubscribeErrorCode.UNAUTHORIZED,
    );
    broadcast.close();
    reader.close();
    owner.close();
  });

  test('discovery: SUBSCRIBE_NAMESPACE outside the grant is UNAUTHORIZED; inside it is filtered', async () => {
    const owner = await joinWith(relay, { token: await token(hs, { put: '' }) });
    await publishOn(owner, 'disc/a/live');
    await publishOn(owner, 'disc/b/live');
    const viewer = await joinWith(relay, { token: await token(hs, { root: 'disc', get: 'a' }) });
    const refused = viewer.announced(['elsewhere'])[Symbol.asyncIterator]().next();
    await assertDenied(refused, SubscribeNamespaceErrorCode.UNAUTHORIZED);
    const seen: string[] = [];
    const watch = new AbortController();
    const listing = (async () => {
      for await (const a of viewer.announced(['disc'], watch.signal))
        seen.push(a.namespace.join('/'));
    })();
    await until(() => seen.length >= 1);
    await publishOn(owner, 'disc/a/second');
    await until(() => seen.length >= 2);
    assert.deepEqual(seen.sort(), ['disc/a/live', 'disc/a/second']);
    watch.abort();
    await listing.catch(() => undefined);
    viewer.close();
    owner.close();
  });

  test('expired token: the session is refused with EXPIRED_AUTH_TOKEN', async () => {
    const expired = await signToken(hs.privateJwk, { get: '' }, { expiresInS: -60 });
    const reason = await assertRefused(
      joinWith(relay, { token: expired }),
      SessionCloseCode.EXPIRED_AUTH_TOKEN,
    );
    assert.match(reason, /expired/);
  });

  test('wrong key: the same kid with another secret is UNAUTHORIZED', async () => {
    const forged = await token(stranger, { get: '' });
    const reason = await assertRefused(
      joinWith(relay, { token: forged }),
      SessionCloseCode.UNAUTHORIZED,
    );
    assert.match(reason, /signature/);
  });

  test('no token: only the public prefix (anon/) is allowed', async () => {
    const anonymous = await joinWith(relay, { transport: 'websocket' });
    const broadcast = await publishOn(anonymous, 'anon/cam');
    const viewer = await joinWith(relay);
    (await viewer.subscribe(['anon', 'cam'], 'video')).close();
    await assertDenied(publishOn(anonymous, 'demo/cam'), PublishNamespaceErrorCode.UNAUTHORIZED);
    await assertDenied(
      viewer.subscribe(['demo', 'quic'], 'video'),
      SubscribeErrorCode.UNAUTHORIZED,
    );
    broadcast.close();
    viewer.close();
    anonymous.close();
  });

  test('a token in CLIENT_SETUP (AUTHORIZATION TOKEN) works like ?jwt=', async () => {
    const { dialRelay } = await import('../../client/index.js');
    const { nodeDialers } = await import('../../transport/index.js');
    const { MoqSession } = await import('../../moq/index.js');
    const dialed = await dialRelay(`http://127.0.0.1:${relay.port}/`, nodeDialers, {
      transport: 'quic',
    });
    const session = await MoqSession.connect(dialed.transport, {
      authorizationToken: await token(hs, { put: 'setup' }),
    });
    await publishOn(session, 'setup/cam');
    await assertDenied(publishOn(session, 'other/cam'), PublishNamespaceErrorCode.UNAUTHORIZED);
    session.close();
  });

  test('a token that expires mid-session closes that session only', async () => {
    const owner = await joinWith(relay, { token: await token(hs, { put: 'mid' }) });
    const broadcast = new BroadcastProducer(['mid', 'live']);
    const track = broadcast.createTrack('video');
    await owner.publish(broadcast);
    const shortLived = await joinWith(relay, { token: await token(es, { get: 'mid' }, 2) });
    const bystander = await joinWith(relay, { token: await token(ed, { get: 'mid' }) });
    const ending = await shortLived.subscribe(['mid', 'live'], 'video');
    const watching = await bystander.subscribe(['mid', 'live'], 'video');
    const bystanderReading = readAll(watching);
    void readAll(ending).catch(() => undefined);
    const closed = shortLived.closed.then(
      () => assert.fail('closed cleanly'),
      (e: unknown) => e,
    );
    let groups = 0;
    const writer = setInterval(() => {
      void writeGroups(track, 1, 1);
      groups++;
    }, 100);
    const error = await closed;
    assert.ok(error instanceof MoqError);
    assert.equal(error.code, SessionCloseCode.EXPIRED_AUTH_TOKEN);
    const atExpiry = groups;
    await until(() => groups >= atExpiry + 10);
    clearInterval(writer);
    track.close();
    const received = await bystanderReading;
    assert.ok(received.length >= atExpiry + 5, `bystander got ${received.length} of ${groups}`);
    assert.equal(bystander.isClosed, false);
    bystander.close();
    owner.close();
  });

  test('a moq-dev token (their claim shapes, built by hand) is accepted, path joined with root', async () => {
    const secret = new Uint8Array(32).fill(7);
    const nowS = Math.floor(Date.now() / 1000);
    const moqDev = await new SignJWT({
      root: 'demo',
      put: 'my-stream',
      get: '',
      exp: nowS + 600,
      iat: nowS,
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: 'moqdev' })
      .sign(secret);
    // Connecting at the token's root, as moq-dev documents it.
    const atRoot = await joinWith(relay, { path: '/demo', token: moqDev });
    await publishOn(atRoot, 'demo/my-stream');
    await assertDenied(publishOn(atRoot, 'demo/other'), PublishNamespaceErrorCode.UNAUTHORIZED);
    atRoot.close();
    // A path below the root narrows the grant; an unrelated one is refused.
    const below = await joinWith(relay, { path: '/demo/room', token: moqDev });
    await assertDenied(below.subscribe(['demo', 'quic'], 'video'), SubscribeErrorCode.UNAUTHORIZED);
    below.close();
    const reason = await assertRefused(
      joinWith(relay, { path: '/other', token: moqDev }),
      SessionCloseCode.UNAUTHORIZED,
    );
    assert.match(reason, /not the connection path/);
  });

  test('denials are counted by code and reported', () => {
    assert.ok(denials.some((d) => d.action === 'publish' && d.code === 'FORBIDDEN'));
    assert.ok(denials.some((d) => d.action === 'session' && d.code === 'EXPIRED'));
    assert.ok(denials.some((d) => d.action === 'session' && d.code === 'BAD_SIGNATURE'));
    assert.ok(denials.some((d) => d.action === 'discover'));
  });
});

describe('relay auth: keys but no public prefix', () => {
  let closed: Relay;
  before(async () => {
    const keys = await KeySet.fromJwks([hs.publicJwk]);
    closed = await Relay.start({ port: 0, host: '127.0.0.1', auth: new Authorizer({ keys }) });
  });
  after(async () => closed.close());

  test('a session without a token is refused UNAUTHORIZED, saying a token is required', async () => {
    const reason = await assertRefused(joinWith(closed), SessionCloseCode.UNAUTHORIZED);
    assert.match(reason, /token is required/);
  });

  test('a token still works', async () => {
    const session = await joinWith(closed, {
      token: await token(hs, { put: '' }),
      transport: 'websocket',
    });
    await publishOn(session, 'x/y');
    session.close();
  });
});
