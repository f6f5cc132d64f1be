import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { H3ErrorCode, decodeDatagram, encodeDatagramPrefix } from './index.js';
import { concatBytes, fromHex, h3Error, onlyH3Errors, toHex } from './test-support.js';

test('datagram prefix: the quarter stream ID (RFC 9297 §2.1)', () => {
  assert.equal(toHex(encodeDatagramPrefix(0)), '00');
  assert.equal(toHex(encodeDatagramPrefix(256)), '4040');
  assert.throws(() => encodeDatagramPrefix(2), RangeError);
  assert.deepEqual(decodeDatagram(fromHex('00 68656c6c6f')), {
    sessionId: 0,
    payload: fromHex('68656c6c6f'),
  });
  assert.deepEqual(decodeDatagram(fromHex('01')), { sessionId: 4, payload: new Uint8Array() });
});

test('decodeDatagram: empty, truncated or 2^60+ quarter stream IDs are DATAGRAM_ERROR', () => {
  const bad = h3Error(H3ErrorCode.DATAGRAM_ERROR);
  assert.equal(H3ErrorCode.DATAGRAM_ERROR, 0x33);
  assert.throws(() => decodeDatagram(new Uint8Array()), bad);
  assert.throws(() => decodeDatagram(fromHex('40')), bad);
  assert.throws(() => decodeDatagram(fromHex('d000000000000000')), bad); // exactly 2^60
  assert.throws(() => decodeDatagram(fromHex('ffffffffffffffff')), bad);
  const largest = decodeDatagram(fromHex('cfffffffffffffff 01')); // 2^60 - 1 is legal
  assert.equal(largest.payload.length, 1);
});

test('datagrams round-trip for any session ID and payload', () => {
  const sessionId = fc.nat({ max: Math.floor(Number.MAX_SAFE_INTEGER / 4) }).map((q) => q * 4);
  fc.assert(
    fc.property(sessionId, fc.uint8Array({ maxLength: 64 }), (id, payload) => {
      const decoded = decodeDatagram(concatBytes(encodeDatagramPrefix(id), payload));
      assert.deepEqual(decoded, { sessionId: id, payload });
    }),
  );
});

test('decodeDatagram fuzz: random bytes throw only H3Error', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
      onlyH3Errors(() => decodeDatagram(bytes));
    }),
    { numRuns: 2000 },
  );
});
