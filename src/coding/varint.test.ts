import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CodingError, Reader, Writer, encodeVarint, readVarint, varintSize } from './index.js';

test('varint: RFC 9000 §A.1 sample encodings decode to their values', () => {
  const samples: Array<[string, number]> = [
    ['9d7f3e7d', 494878333],
    ['7bbd', 15293],
    ['25', 37],
    ['4025', 37],
  ];
  for (const [hex, value] of samples) {
    assert.deepEqual(readVarint(Buffer.from(hex, 'hex')), { value, size: hex.length / 2 });
  }
  assert.equal(Buffer.from(encodeVarint(494878333)).toString('hex'), '9d7f3e7d');
  assert.equal(Buffer.from(encodeVarint(15293)).toString('hex'), '7bbd');
});

test('varint: values beyond 2^53 are a typed error, not a wrong number', () => {
  assert.throws(
    () => readVarint(Buffer.from('c2197c5eff14e88c', 'hex')),
    (e: unknown) => e instanceof CodingError && e.code === 'VARINT_RANGE',
  );
  assert.throws(() => encodeVarint(-1), CodingError);
  assert.throws(() => encodeVarint(2 ** 53), CodingError);
});

test('varint: round-trips every safe integer and reports truncation as incomplete', () => {
  fc.assert(
    fc.property(fc.maxSafeNat(), (value) => {
      const bytes = encodeVarint(value);
      assert.equal(bytes.length, varintSize(value));
      assert.deepEqual(readVarint(bytes), { value, size: bytes.length });
      assert.equal(readVarint(bytes.subarray(0, bytes.length - 1)), undefined);
    }),
  );
});

test('varint: arbitrary bytes decode or fail only with CodingError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 16 }), (bytes) => {
      try {
        const reader = new Reader(bytes);
        while (reader.remaining > 0) reader.varint();
      } catch (e) {
        assert.ok(e instanceof CodingError, String(e));
      }
    }),
  );
});

test('Writer and Reader agree on mixed fields', () => {
  const bytes = new Writer(1)
    .varint(5)
    .u8(7)
    .u32(0xdeadbeef)
    .bytes(new Uint8Array([1, 2, 3]))
    .varint(1e12)
    .finish();
  const reader = new Reader(bytes);
  assert.equal(reader.varint(), 5);
  assert.equal(reader.u8(), 7);
  assert.equal(reader.u32(), 0xdeadbeef);
  assert.deepEqual([...reader.bytes(3)], [1, 2, 3]);
  assert.equal(reader.varint(), 1e12);
  assert.equal(reader.remaining, 0);
  assert.throws(() => reader.u8(), CodingError);
});
