import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT, UnsecuredJWT, base64url } from 'jose';
import { SessionCloseCode } from '../../moq/index.js';
import { Relay } from '../relay.js';
import { assertRefused, joinWith } from './auth-test-kit.js';
import {
  AuthError,
  Authorizer,
  KeySet,
  generateKey,
  permissionsAt,
  parseClaims,
  signToken,
  verifyToken,
  type AuthErrorCode,
  type GeneratedKey,
} from './index.js';

let hs: GeneratedKey;
let es: GeneratedKey;
let keys: KeySet;

before(async () => {
  hs = await generateKey('HS256', 'hs');
  es = await generateKey('ES256', 'es');
  keys = await KeySet.fromJwks([hs.publicJwk, es.publicJwk]);
});

async function refusedWith(token: string, code: AuthErrorCode): Promise<string> {
  const error = await verifyToken(token, keys).then(
    () => assert.fail('the token was accepted'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AuthError, String(error));
  assert.equal(error.code, code, error.message);
  return error.message;
}

describe('token bad input', () => {
  test('malformed tokens: not three parts, bad base64, header not JSON, claims of the wrong shape', async () => {
    await refusedWith('', 'MALFORMED');
    await refusedWith('abc', 'MALFORMED');
    await refusedWith('a.b.c', 'MALFORMED');
    await refusedWith(`${base64url.encode('{"alg":')}.e30.sig`, 'MALFORMED');
    const badClaims = await signToken(hs.privateJwk, { put: 'x' });
    const [header, , signature] = badClaims.split('.');
    await refusedWith(`${header}.${base64url.encode('not json')}.${signature}`, 'BAD_SIGNATURE');
    const wrongShape = await new SignJWT({ put: 42 })
      .setProtectedHeader({ alg: 'HS256', kid: 'hs' })
      .sign(await importSecret(hs));
    assert.match(await refusedWith(wrongShape, 'MALFORMED'), /put/);
  });

  test('alg none is refused before any key is looked up', async () => {
    const unsigned = new UnsecuredJWT({ put: '', get: '' }).encode();
    assert.match(await refusedWith(unsigned, 'BAD_ALGORITHM'), /alg none/);
    const sneaky = `${base64url.encode(JSON.stringify({ alg: 'NONE', kid: 'hs' }))}.${base64url.encode('{"put":""}')}.`;
    await refusedWith(sneaky, 'BAD_ALGORITHM');
  });

  test('algorithm confusion: HS256 under the ES256 key id is refused', async () => {
    const confused = await new SignJWT({ put: '' })
      .setProtectedHeader({ alg: 'HS256', kid: 'es' })
      .sign(new TextEncoder().encode(JSON.stringify(es.publicJwk)));
    assert.match(await refusedWith(confused, 'BAD_ALGORITHM'), /ES256/);
  });

  test('oversized tokens (> 8 KiB) are refused without parsing', async () => {
    const big = await signToken(hs.privateJwk, { put: 'x'.repeat(9000) });
    assert.match(await refusedWith(big, 'TOO_LARGE'), /over 8192/);
  });

  test('unknown kid, and no kid with several keys', async () => {
    const other = await generateKey('HS256', 'nobody');
    await refusedWith(await signToken(other.privateJwk, { put: '' }), 'UNKNOWN_KEY');
    const anonymous = { ...hs.privateJwk };
    delete anonymous.kid;
    await refusedWith(await signToken(anonymous, { put: '' }), 'UNKNOWN_KEY');
  });

  test('clock skew: iat or nbf beyond the leeway is CLOCK_SKEW; within it is fine', async () => {
    const nowMs = Date.now();
    const future = await signToken(hs.privateJwk, { put: '' }, { nowMs: nowMs + 120_000 });
    assert.match(await refusedWith(future, 'CLOCK_SKEW'), /future/);
    const notYet = await new SignJWT({ put: '' })
      .setProtectedHeader({ alg: 'HS256', kid: 'hs' })
      .setNotBefore(Math.floor(nowMs / 1000) + 120)
      .sign(await importSecret(hs));
    await refusedWith(notYet, 'CLOCK_SKEW');
    const slightly = await signToken(hs.privateJwk, { put: '' }, { nowMs: nowMs + 3000 });
    await verifyToken(slightly, keys);
    const justExpired = await signToken(hs.privateJwk, { put: '' }, { nowMs, expiresInS: -3 });
    await verifyToken(justExpired, keys); // within the 10 s leeway
    const expired = await signToken(hs.privateJwk, { put: '' }, { nowMs, expiresInS: -60 });
    await refusedWith(expired, 'EXPIRED');
  });

  test('a token that grants nothing is refused; claims match moq-dev path rules', () => {
    assert.throws(
      () => parseClaims({ root: 'demo' }),
      (e: unknown) => (e as AuthError).code === 'NO_ACCESS',
    );
    const claims = parseClaims({ root: 'demo', put: 'alice', get: [''] });
    assert.deepEqual(permissionsAt(claims, '/demo'), {
      publish: ['demo/alice'],
      subscribe: ['demo'],
    });
    assert.deepEqual(permissionsAt(claims, '/'), { publish: ['demo/alice'], subscribe: ['demo'] });
    assert.deepEqual(permissionsAt(claims, '/demo/alice/x'), {
      publish: ['demo/alice/x'],
      subscribe: ['demo/alice/x'],
    });
    assert.throws(
      () => permissionsAt(claims, '/demolition'),
      (e: unknown) => (e as AuthError).code === 'ROOT_MISMATCH',
    );
    const narrow = parseClaims({ root: '', get: 'demo' });
    assert.throws(
      () => permissionsAt(narrow, '/other'),
      (e: unknown) => (e as AuthError).code === 'NO_ACCESS',
    );
  });
});

describe('token bad input at the relay: one clear refusal, nothing else harmed', () => {
  let relay: Relay;
  before(async () => {
    relay = await Relay.start({ port: 0, host: '127.0.0.1', auth: new Authorizer({ keys }) });
  });
  after(async () => relay.close());

  for (const transport of ['quic', 'websocket'] as const) {
    test(`malformed, alg none, oversized, skewed (${transport})`, async () => {
      const good = await joinWith(relay, {
        token: await signToken(hs.privateJwk, { get: '' }),
        transport,
      });
      const cases: Array<[string, number, RegExp]> = [
        ['not-a-token', SessionCloseCode.MALFORMED_AUTH_TOKEN, /not a JWT/],
        [new UnsecuredJWT({ get: '' }).encode(), SessionCloseCode.UNAUTHORIZED, /alg none/],
        [
          await signToken(hs.privateJwk, { get: 'y'.repeat(9000) }),
          SessionCloseCode.MALFORMED_AUTH_TOKEN,
          /over 8192/,
        ],
        [
          await signToken(hs.privateJwk, { get: '' }, { nowMs: Date.now() + 600_000 }),
          SessionCloseCode.UNAUTHORIZED,
          /future/,
        ],
      ];
      for (const [token, code, reason] of cases) {
        assert.match(await assertRefused(joinWith(relay, { token, transport }), code), reason);
      }
      assert.equal(good.isClosed, false, 'a good session is untouched');
      good.close();
    });
  }
});

async function importSecret(key: GeneratedKey): Promise<Uint8Array> {
  return base64url.decode(key.privateJwk.k as string);
}
