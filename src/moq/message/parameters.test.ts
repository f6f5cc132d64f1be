import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Reader, Writer } from '../../coding/index.js';
import { MoqError, SessionCloseCode } from '../error/index.js';
import { AuthTokenAliasType, Parameters, SetupParameters, SetupParameterType } from './index.js';

function roundTrip(params: Parameters): Parameters {
  const w = new Writer();
  params.encode(w);
  return Parameters.decode(new Reader(w.finish()), { authorization: true });
}

test('Parameters: typed getters, repeated tokens, unknown pairs kept in order', () => {
  const params = Parameters.from({
    deliveryTimeoutMs: 1500,
    maxCacheDurationMs: 60000,
    authorizationTokens: [
      {
        aliasType: AuthTokenAliasType.Register,
        alias: 1,
        tokenType: 0,
        tokenValue: Uint8Array.of(1, 2),
      },
      { aliasType: AuthTokenAliasType.UseAlias, alias: 1 },
    ],
    others: [
      { type: 0x40, value: 1 },
      { type: 0x40, value: 2 },
    ],
  });
  const decoded = roundTrip(params);
  assert.deepEqual(decoded, params);
  assert.equal(decoded.deliveryTimeoutMs, 1500);
  assert.equal(decoded.maxCacheDurationMs, 60000);
  assert.equal(decoded.authorizationTokens.length, 2);
  assert.deepEqual(
    decoded.entries.filter((p) => p.type === 0x40).map((p) => p.value),
    [1, 2],
  );
});

test('Parameters: duplicates of a known singleton are a PROTOCOL_VIOLATION', () => {
  assert.throws(
    () =>
      new Parameters([
        { type: 0x02, value: 1 },
        { type: 0x02, value: 2 },
      ]),
    (e: unknown) => e instanceof MoqError && e.code === SessionCloseCode.PROTOCOL_VIOLATION,
  );
});

test('Parameters: even types carry varints and odd types bytes; odd values cap at 65535', () => {
  assert.throws(() => new Parameters([{ type: 0x02, value: Uint8Array.of(1) }]), MoqError);
  assert.throws(() => new Parameters([{ type: 0x03, value: 1 }]), MoqError);
  assert.throws(() => new Parameters([{ type: 0x41, value: new Uint8Array(65536) }]), MoqError);
  // On the wire: one odd pair whose length says 65536.
  const wire = Buffer.from('01' + '21' + '80010000', 'hex');
  assert.throws(() => Parameters.decode(new Reader(wire)), MoqError);
});

test('Parameters: a malformed token is KEY_VALUE_FORMATTING_ERROR only where tokens are allowed', () => {
  const wire = Buffer.from('01' + '03' + '03' + '000100', 'hex'); // DELETE alias 1, then a stray byte
  const lax = Parameters.decode(new Reader(wire));
  assert.equal(lax.size, 1);
  assert.throws(
    () => Parameters.decode(new Reader(wire), { authorization: true }),
    (e: unknown) => e instanceof MoqError && e.code === SessionCloseCode.KEY_VALUE_FORMATTING_ERROR,
  );
});

test('SetupParameters: every known setup parameter round-trips', () => {
  const params = SetupParameters.from({
    path: '/moq?x=1',
    authority: 'relay.example:4443',
    maxRequestId: 100,
    maxAuthTokenCacheSizeBytes: 4096,
    authorizationTokens: [
      { aliasType: AuthTokenAliasType.UseValue, tokenType: 1, tokenValue: Uint8Array.of(7) },
    ],
    implementation: 'moq-studio/0.1',
  });
  const w = new Writer();
  params.encode(w);
  const decoded = SetupParameters.decode(new Reader(w.finish()));
  assert.equal(decoded.path, '/moq?x=1');
  assert.equal(decoded.authority, 'relay.example:4443');
  assert.equal(decoded.maxRequestId, 100);
  assert.equal(decoded.maxAuthTokenCacheSizeBytes, 4096);
  assert.equal(decoded.implementation, 'moq-studio/0.1');
  assert.equal(decoded.authorizationTokens.length, 1);
  assert.equal(SetupParameterType.MoqtImplementation, 0x07);
});

test('SetupParameters: a PATH that is not UTF-8 is MALFORMED_PATH', () => {
  const wire = Buffer.from('01' + '01' + '01' + 'ff', 'hex');
  assert.throws(
    () => SetupParameters.decode(new Reader(wire)),
    (e: unknown) => e instanceof MoqError && e.code === SessionCloseCode.MALFORMED_PATH,
  );
});
