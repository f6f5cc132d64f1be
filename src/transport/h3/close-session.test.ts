import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  CapsuleReader,
  CapsuleType,
  FrameType,
  H3ErrorCode,
  decodeCloseSession,
  encodeCloseSession,
  encodeFrame,
} from './index.js';
import { fromHex, h3Error, onlyH3Errors, toHex } from './test-support.js';

function closePayload(capsule: Uint8Array): Uint8Array {
  const reader = new CapsuleReader();
  reader.push(capsule);
  const parsed = reader.next();
  assert.equal(parsed?.type, CapsuleType.CLOSE_WEBTRANSPORT_SESSION);
  return parsed.payload;
}

test("encodeCloseSession: matches Chromium's close({closeCode: 0, reason: 'done'}) (notes §4)", () => {
  const data = encodeFrame(FrameType.DATA, encodeCloseSession(0, 'done'));
  assert.equal(toHex(data), '000b' + '6843' + '08' + '00000000' + '646f6e65');
  assert.deepEqual(decodeCloseSession(closePayload(encodeCloseSession(1234, 'bye from server'))), {
    closeCode: 1234,
    reason: 'bye from server',
  });
});

test('encodeCloseSession: long reasons are cut to 1024 bytes at a UTF-8 boundary', () => {
  const euros = '\u20ac'.repeat(400); // 1200 bytes of 3-byte characters
  const decoded = decodeCloseSession(closePayload(encodeCloseSession(7, euros)));
  assert.equal(decoded.reason, '\u20ac'.repeat(341)); // 1023 bytes
  const ascii = decodeCloseSession(closePayload(encodeCloseSession(7, 'a'.repeat(2000))));
  assert.equal(ascii.reason.length, 1024);
  assert.throws(() => encodeCloseSession(2 ** 32, ''), RangeError);
  assert.throws(() => encodeCloseSession(-1, ''), RangeError);
});

test('decodeCloseSession: short, oversized or non-UTF-8 payloads are MESSAGE_ERROR', () => {
  const bad = h3Error(H3ErrorCode.MESSAGE_ERROR);
  assert.throws(() => decodeCloseSession(fromHex('000000')), bad);
  assert.throws(() => decodeCloseSession(new Uint8Array(4 + 1025)), bad);
  assert.throws(() => decodeCloseSession(fromHex('00000001 c328')), bad);
  assert.throws(() => decodeCloseSession(fromHex('00000001 e282')), bad); // truncated sequence
  assert.deepEqual(decodeCloseSession(new Uint8Array(4 + 1024)).reason.length, 1024);
  assert.deepEqual(decodeCloseSession(fromHex('ffffffff efbbbf41')), {
    closeCode: 0xffffffff,
    reason: '\ufeffA',
  });
});

test('close session round-trips any u32 code and any reason within the limit', () => {
  fc.assert(
    fc.property(fc.nat({ max: 0xffffffff }), fc.string({ maxLength: 300 }), (code, reason) => {
      const decoded = decodeCloseSession(closePayload(encodeCloseSession(code, reason)));
      assert.equal(decoded.closeCode, code);
      // Lone surrogates cannot be UTF-8: TextEncoder sends U+FFFD for them.
      assert.equal(decoded.reason, new TextDecoder().decode(new TextEncoder().encode(reason)));
    }),
  );
});

test('decodeCloseSession fuzz: random payloads throw only H3Error', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 32 }), (bytes) => {
      onlyH3Errors(() => decodeCloseSession(bytes));
    }),
    { numRuns: 2000 },
  );
});
