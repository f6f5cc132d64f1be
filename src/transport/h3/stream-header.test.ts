import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  FrameType,
  StreamType,
  encodeBidiStreamHeader,
  encodeUniStreamHeader,
  readVarints,
} from './index.js';
import { concatBytes, fromHex, toHex } from './test-support.js';

test('stream headers: the bytes Chromium sends and accepts (notes §4)', () => {
  assert.equal(toHex(encodeBidiStreamHeader(0)), '404100');
  assert.equal(toHex(encodeUniStreamHeader(0)), '405400');
  assert.equal(toHex(encodeBidiStreamHeader(4 * 1000)), '40414fa0');
});

test('readVarints: undefined until the whole preamble is there, then where the body starts', () => {
  const stream = concatBytes(encodeUniStreamHeader(400), fromHex('beef'));
  for (let end = 0; end < 4; end++)
    assert.equal(readVarints(stream.subarray(0, end), 2), undefined);
  assert.deepEqual(readVarints(stream, 2), { values: [StreamType.WEBTRANSPORT_UNI, 400], size: 4 });
  assert.deepEqual(readVarints(stream, 0), { values: [], size: 0 });
  assert.deepEqual(readVarints(encodeBidiStreamHeader(8), 1), {
    values: [FrameType.WEBTRANSPORT_STREAM],
    size: 2,
  });
  // A GREASE stream type beyond 2^53 is still read, so the caller can ignore the stream.
  const grease = readVarints(fromHex('ffffffffffffffff 00'), 2);
  assert.ok(grease && (grease.values[0] as number) >= 2 ** 53 && grease.size === 9);
});

test('stream headers round-trip for any session ID', () => {
  fc.assert(
    fc.property(fc.maxSafeNat(), fc.boolean(), (sessionId, bidi) => {
      const header = bidi ? encodeBidiStreamHeader(sessionId) : encodeUniStreamHeader(sessionId);
      const kind = bidi ? FrameType.WEBTRANSPORT_STREAM : StreamType.WEBTRANSPORT_UNI;
      assert.deepEqual(readVarints(header, 2), { values: [kind, sessionId], size: header.length });
    }),
  );
});

test('readVarints fuzz: random bytes never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 24 }), fc.nat(4), (bytes, count) => {
      const read = readVarints(bytes, count);
      if (read) assert.ok(read.values.length === count && read.size <= bytes.length);
    }),
    { numRuns: 2000 },
  );
});
