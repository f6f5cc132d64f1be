import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  CapsuleReader,
  CapsuleType,
  FrameReader,
  FrameType,
  H3ErrorCode,
  encodeCapsule,
  encodeFrame,
  type Capsule,
} from './index.js';
import { concatBytes, fromHex, h3Error, onlyH3Errors, splitAt, toHex } from './test-support.js';

function drain(reader: CapsuleReader, out: unknown[] = []): Capsule[] {
  for (let capsule = reader.next(); capsule; capsule = reader.next()) out.push(capsule);
  return out as Capsule[];
}

test('encodeCapsule: varint type, varint length, value', () => {
  assert.equal(
    toHex(encodeCapsule(CapsuleType.DRAIN_WEBTRANSPORT_SESSION, new Uint8Array())),
    '800078ae00',
  );
  assert.equal(toHex(encodeCapsule(CapsuleType.DATAGRAM, fromHex('abcd'))), '0002abcd');
});

test('CapsuleReader: capsules straddling DATA frames, after a GREASE capsule', () => {
  const grease = encodeCapsule(0x1f * 7 + 0x29, fromHex('010203'));
  const close = encodeCapsule(CapsuleType.CLOSE_WEBTRANSPORT_SESSION, fromHex('00000000646f6e65'));
  const stream = concatBytes(grease, close);
  const frames = new FrameReader();
  frames.push(encodeFrame(FrameType.DATA, stream.subarray(0, 7)));
  frames.push(encodeFrame(FrameType.DATA, stream.subarray(7)));
  const capsules = new CapsuleReader();
  const out: Capsule[] = [];
  for (let frame = frames.next(); frame; frame = frames.next()) {
    capsules.push(frame.payload);
    drain(capsules, out);
  }
  assert.deepEqual(
    out.map((c) => [c.type, toHex(c.payload)]),
    [
      [0x1f * 7 + 0x29, '010203'],
      [CapsuleType.CLOSE_WEBTRANSPORT_SESSION, '00000000646f6e65'],
    ],
  );
  capsules.end();
});

test('CapsuleReader: oversized capsules and truncation carry their codes', () => {
  const small = new CapsuleReader({ maxPayloadBytes: 8 });
  small.push(fromHex('00 09'));
  assert.throws(() => small.next(), h3Error(H3ErrorCode.EXCESSIVE_LOAD));
  const defaults = new CapsuleReader();
  defaults.push(fromHex('00 80010001'));
  assert.throws(() => defaults.next(), h3Error(H3ErrorCode.EXCESSIVE_LOAD));
  const truncated = new CapsuleReader();
  truncated.push(fromHex('6843 08 0000'));
  assert.equal(truncated.next(), undefined);
  assert.equal(truncated.bufferedBytes, 5);
  assert.throws(() => truncated.end(), h3Error(H3ErrorCode.MESSAGE_ERROR));
});

test('CapsuleReader: any chunking of encoded capsules yields the same capsules', () => {
  const capsule = fc.record(
    { type: fc.oneof(fc.nat(0x3fff), fc.maxSafeNat()), payload: fc.uint8Array({ maxLength: 100 }) },
    { noNullPrototype: true },
  );
  fc.assert(
    fc.property(fc.array(capsule, { maxLength: 6 }), fc.array(fc.nat()), (capsules, cuts) => {
      const bytes = concatBytes(...capsules.map((c) => encodeCapsule(c.type, c.payload)));
      const reader = new CapsuleReader();
      const out: Capsule[] = [];
      for (const chunk of splitAt(bytes, cuts)) {
        reader.push(chunk);
        drain(reader, out);
      }
      reader.end();
      assert.deepEqual(out, capsules);
    }),
    { numRuns: 500 },
  );
});

test('CapsuleReader fuzz: random bytes in random chunks throw only H3Error', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.nat()), (bytes, cuts) => {
      const reader = new CapsuleReader({ maxPayloadBytes: 16 });
      onlyH3Errors(() => {
        for (const chunk of splitAt(bytes, cuts)) {
          reader.push(chunk);
          drain(reader);
        }
        reader.end();
      });
    }),
    { numRuns: 2000 },
  );
});
