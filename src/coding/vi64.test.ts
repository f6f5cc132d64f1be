import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CodingError, Reader, Writer, encodeVi64, readVi64, vi64Size } from './index.js';

test('vi64: draft-18 §Variable-Length Integers example encodings decode to their values', () => {
  const samples: Array<[string, number]> = [
    ['25', 37],
    ['8025', 37],
    ['bbbd', 15293],
    ['ed7f3e7d', 226442877],
    ['faa1a0e403d8', 2893212287960],
    ['fc8998abc66bc0', 151288809941952],
  ];
  for (const [hex, value] of samples) {
    assert.deepEqual(readVi64(Buffer.from(hex, 'hex')), { value, size: hex.length / 2 });
  }
  // Encoding picks the shortest form, which for these is the spec's bytes.
  assert.equal(Buffer.from(encodeVi64(37)).toString('hex'), '25');
  assert.equal(Buffer.from(encodeVi64(15293)).toString('hex'), 'bbbd');
  assert.equal(Buffer.from(encodeVi64(226442877)).toString('hex'), 'ed7f3e7d');
  assert.equal(Buffer.from(encodeVi64(2893212287960)).toString('hex'), 'faa1a0e403d8');
});

test('vi64: each length boundary, and the 8- and 9-byte forms', () => {
  const cases: Array<[number, string]> = [
    [0, '00'],
    [127, '7f'],
    [128, '8080'],
    [16383, 'bfff'],
    [16384, 'c04000'],
    [2 ** 21 - 1, 'dfffff'],
    [2 ** 21, 'e0200000'],
    [2 ** 49, 'fe02000000000000'],
    [Number.MAX_SAFE_INTEGER, 'fe1fffffffffffff'],
  ];
  for (const [value, hex] of cases) {
    assert.equal(Buffer.from(encodeVi64(value)).toString('hex'), hex, `encode ${value}`);
    assert.equal(vi64Size(value), hex.length / 2);
    assert.deepEqual(readVi64(Buffer.from(hex, 'hex')), { value, size: hex.length / 2 });
  }
  assert.deepEqual(readVi64(Buffer.from('ff0000000000000001', 'hex')), { value: 1, size: 9 });
});

test('vi64: beyond 2^53 is a typed error; truncation is "need more bytes"', () => {
  for (const hex of ['fefa318fa8e3ca11', 'ffffffffffffffffff']) {
    assert.throws(
      () => readVi64(Buffer.from(hex, 'hex')),
      (e: unknown) => e instanceof CodingError && e.code === 'VARINT_RANGE',
    );
  }
  assert.throws(() => encodeVi64(-1), CodingError);
  assert.equal(readVi64(Buffer.from('ed7f3e', 'hex')), undefined);
  assert.equal(readVi64(new Uint8Array(0)), undefined);
});

test('vi64: Reader and Writer speak it when asked, and round-trip every safe integer', () => {
  fc.assert(
    fc.property(fc.array(fc.maxSafeNat(), { maxLength: 8 }), (values) => {
      const w = new Writer(4, 'vi64');
      for (const v of values) w.varint(v);
      const r = new Reader(w.finish(), 'vi64');
      for (const v of values) assert.equal(r.varint(), v);
      assert.equal(r.remaining, 0);
    }),
  );
  assert.equal(Buffer.from(new Writer(4, 'vi64').varint(200).finish()).toString('hex'), '80c8');
  assert.equal(Buffer.from(new Writer(4).varint(200).finish()).toString('hex'), '40c8');
});
