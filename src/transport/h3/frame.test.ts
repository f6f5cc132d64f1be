import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FrameReader, FrameType, H3ErrorCode, encodeFrame, type Frame } from './index.js';
import { concatBytes, fromHex, h3Error, onlyH3Errors, splitAt, toHex } from './test-support.js';

/** Moves every complete frame into `out` (one by one, so frames before an error are kept). */
function drain(reader: FrameReader, out: unknown[] = []): Frame[] {
  for (let frame = reader.next(); frame; frame = reader.next()) out.push(frame);
  return out as Frame[];
}

test('encodeFrame: varint type, varint length, payload', () => {
  assert.equal(toHex(encodeFrame(FrameType.HEADERS, fromHex('0000d9'))), '01030000d9');
  const big = encodeFrame(0x21, new Uint8Array(300));
  assert.equal(toHex(big.subarray(0, 3)), '21412c');
  assert.equal(big.length, 303);
});

test('FrameReader: a frame split into single bytes comes out once complete', () => {
  const reader = new FrameReader();
  const bytes = encodeFrame(FrameType.DATA, fromHex('68430800000000646f6e65'));
  for (const byte of bytes.subarray(0, -1)) {
    reader.push(Uint8Array.of(byte));
    assert.equal(reader.next(), undefined);
  }
  assert.equal(reader.bufferedBytes, bytes.length - 1);
  reader.push(bytes.subarray(-1));
  const frame = reader.next();
  assert.equal(frame?.type, FrameType.DATA);
  assert.equal(toHex(frame?.payload ?? new Uint8Array()), '68430800000000646f6e65');
  assert.equal(reader.bufferedBytes, 0);
  reader.end();
});

test('FrameReader: copies pushed bytes, so the caller may reuse its receive buffer', () => {
  const reader = new FrameReader();
  const buffer = fromHex('0002abcd');
  reader.push(buffer);
  buffer.fill(0xff);
  assert.equal(toHex(reader.next()?.payload ?? new Uint8Array()), 'abcd');
});

test('FrameReader: an oversized declared length fails as soon as the header is read', () => {
  const reader = new FrameReader({ maxPayloadBytes: 100 });
  reader.push(fromHex('00 40 65')); // DATA, length 101, no payload yet
  assert.throws(() => reader.next(), h3Error(H3ErrorCode.EXCESSIVE_LOAD));
  const defaults = new FrameReader();
  defaults.push(fromHex('01 80 01 00 01')); // HEADERS, length 65537
  assert.throws(() => defaults.next(), h3Error(H3ErrorCode.EXCESSIVE_LOAD));
  const exact = new FrameReader();
  exact.push(encodeFrame(0, new Uint8Array(65536)));
  assert.equal(exact.next()?.payload.length, 65536);
});

test('FrameReader: end() inside a frame is FRAME_ERROR, between frames is fine', () => {
  const reader = new FrameReader();
  reader.push(fromHex('0403'));
  assert.equal(reader.next(), undefined);
  assert.throws(() => reader.end(), h3Error(H3ErrorCode.FRAME_ERROR));
  const partialVarint = new FrameReader();
  partialVarint.push(fromHex('40'));
  assert.throws(() => partialVarint.end(), h3Error(H3ErrorCode.FRAME_ERROR));
  const clean = new FrameReader();
  clean.push(fromHex('0000'));
  assert.equal(clean.next()?.payload.length, 0);
  clean.end();
});

test('FrameReader: GREASE frame types, even beyond 2^53, are returned for the caller to skip', () => {
  const reader = new FrameReader();
  const grease = 0x1f * 0x12345678 + 0x21;
  reader.push(concatBytes(encodeFrame(grease, fromHex('01')), fromHex('ffffffffffffffff 00')));
  assert.equal(reader.next()?.type, grease);
  const huge = reader.next();
  assert.ok(huge && huge.type >= 2 ** 53 && huge.payload.length === 0);
});

test('FrameReader: many tiny chunks are handled in linear time', () => {
  const payload = new Uint8Array(60000).map((_, i) => i);
  const bytes = concatBytes(encodeFrame(0, payload), encodeFrame(1, payload));
  const reader = new FrameReader();
  const frames: Frame[] = [];
  const started = performance.now();
  for (let i = 0; i < bytes.length; i++) {
    reader.push(bytes.subarray(i, i + 1));
    frames.push(...drain(reader));
  }
  assert.ok(performance.now() - started < 2000, 'parsing 120 KB byte by byte took too long');
  assert.deepEqual(
    frames.map((f) => f.type),
    [0, 1],
  );
  assert.deepEqual(frames[1]?.payload, payload);
});

test('FrameReader: any chunking of encoded frames yields the same frames', () => {
  const frame = fc.record({
    type: fc.oneof(fc.nat(0x40), fc.maxSafeNat()),
    payload: fc.uint8Array({ maxLength: 200 }),
  });
  fc.assert(
    fc.property(fc.array(frame, { maxLength: 8 }), fc.array(fc.nat()), (frames, cuts) => {
      const bytes = concatBytes(...frames.map((f) => encodeFrame(f.type, f.payload)));
      const reader = new FrameReader();
      const out: Frame[] = [];
      for (const chunk of splitAt(bytes, cuts)) {
        reader.push(chunk);
        out.push(...drain(reader));
      }
      reader.end();
      assert.deepEqual(
        out,
        frames.map((f) => ({ type: f.type, payload: f.payload })),
      );
    }),
    { numRuns: 500 },
  );
});

test('FrameReader fuzz: random bytes in random chunks throw only H3Error, chunking-independent', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.nat()), (bytes, cuts) => {
      const whole = parseAll([bytes]);
      const chunked = parseAll(splitAt(bytes, cuts));
      assert.deepEqual(chunked, whole);
    }),
    { numRuns: 2000 },
  );
});

/** Frames parsed, then 'error <code>' or 'end ok' / 'end <code>'. */
function parseAll(chunks: Uint8Array[]): unknown[] {
  const reader = new FrameReader({ maxPayloadBytes: 16 });
  const out: unknown[] = [];
  try {
    for (const chunk of chunks) {
      reader.push(chunk);
      drain(reader, out);
    }
  } catch (e) {
    onlyH3Errors(() => {
      throw e;
    });
    return [...out, 'error'];
  }
  onlyH3Errors(() => {
    reader.end();
    out.push('end ok');
  });
  return out;
}
