import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  FrameType,
  H3ErrorCode,
  decodeFieldSection,
  encodeFieldSection,
  encodeFrame,
  huffmanEncode,
} from './index.js';
import { QPACK_STATIC_TABLE } from './qpack-static-table.js';
import { concatBytes, fromHex, h3Error, onlyH3Errors, toHex } from './test-support.js';

const failed = h3Error(H3ErrorCode.QPACK_DECOMPRESSION_FAILED);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A Huffman string literal with a 7-bit length prefix (lengths below 127 only). */
function huffmanValue(value: string): Uint8Array {
  const encoded = huffmanEncode(text(value));
  return concatBytes(Uint8Array.of(0x80 | encoded.length), encoded);
}

const CHROMIUM_CONNECT: Array<[string, string]> = [
  [':scheme', 'https'],
  [':method', 'CONNECT'],
  [':authority', '127.0.0.1:4433'],
  [':path', '/wt'],
  [':protocol', 'webtransport'],
  ['sec-webtransport-http3-draft02', '1'],
  ['origin', 'http://127.0.0.1:8123'],
];

/** Chromium 156's extended CONNECT block, rebuilt from the layout in the notes (§4). */
const chromiumConnectBlock = concatBytes(
  fromHex('0000'), // Required Insert Count 0, Base 0
  fromHex('d7'), // indexed static #23 :scheme https
  fromHex('cf'), // indexed static #15 :method CONNECT
  fromHex('50'), // literal, static name #0 :authority
  huffmanValue('127.0.0.1:4433'),
  fromHex('51 03'), // literal, static name #1 :path, raw value of 3 bytes
  text('/wt'),
  fromHex('2f 00'), // literal name, Huffman, length 7 + 0 (3-bit prefix overflows)
  huffmanEncode(text(':protocol')),
  huffmanValue('webtransport'),
  fromHex('2f 0e'), // literal name, Huffman, length 7 + 14
  huffmanEncode(text('sec-webtransport-http3-draft02')),
  fromHex('01'), // raw value of 1 byte
  text('1'),
  fromHex('5f 4b'), // literal, static name 15 + 75 = #90 origin (4-bit prefix overflows)
  huffmanValue('http://127.0.0.1:8123'),
);

test('QPACK static table: the 99 entries of RFC 9204 Appendix A', () => {
  assert.equal(QPACK_STATIC_TABLE.length, 99);
  assert.deepEqual(QPACK_STATIC_TABLE[0], [':authority', '']);
  assert.deepEqual(QPACK_STATIC_TABLE[25], [':status', '200']);
  assert.deepEqual(QPACK_STATIC_TABLE[90], ['origin', '']);
  assert.deepEqual(QPACK_STATIC_TABLE[98], ['x-frame-options', 'sameorigin']);
});

test('QPACK: RFC 9204 Appendix B.1 literal with static name reference', () => {
  assert.deepEqual(decodeFieldSection(fromHex('0000510b2f696e6465782e68746d6c')), [
    [':path', '/index.html'],
  ]);
});

test("QPACK: Chromium's extended CONNECT decodes, and our encoder produces the same bytes", () => {
  assert.equal(huffmanEncode(text(':protocol')).length, 7);
  assert.equal(huffmanEncode(text('sec-webtransport-http3-draft02')).length, 21);
  assert.deepEqual(decodeFieldSection(chromiumConnectBlock), CHROMIUM_CONNECT);
  assert.equal(toHex(encodeFieldSection(CHROMIUM_CONNECT)), toHex(chromiumConnectBlock));
});

test('QPACK: the 200 response is HEADERS 01 03 00 00 d9 (notes §4)', () => {
  const frame = encodeFrame(FrameType.HEADERS, encodeFieldSection([[':status', '200']]));
  assert.equal(toHex(frame), '01030000d9');
});

test('QPACK: names are lower-cased; non-latin1 text is refused', () => {
  assert.deepEqual(decodeFieldSection(encodeFieldSection([['X-Custom', 'V']])), [
    ['x-custom', 'V'],
  ]);
  assert.deepEqual(decodeFieldSection(encodeFieldSection([['Content-Type', 'text/css']])), [
    ['content-type', 'text/css'],
  ]);
  assert.throws(() => encodeFieldSection([['x', '\u20ac']]), RangeError);
});

test('QPACK: the N bit is accepted on both literal forms', () => {
  // '01 N=1 T=1' static name #1; '001 N=1 H=0' literal name.
  assert.deepEqual(decodeFieldSection(fromHex('0000 71 01 61 31 62 01 63')), [
    [':path', 'a'],
    ['b', 'c'],
  ]);
});

test('QPACK: dynamic-table forms, bad prefixes and bad indexes are refused', () => {
  const refused = [
    '0100 d1', // Required Insert Count 1
    '0080 d1', // Sign bit set: negative Base
    '0000 81', // indexed, dynamic table
    '0000 41 00', // literal with dynamic name reference
    '0000 10', // indexed post-base
    '0000 00 00', // literal with post-base name reference
    '0000 ff24', // indexed static #99: one past the end
    '0000 5f ffffffffff0f 00', // static name index overflowing 2^32
    '0000 5f 80808080808000 00', // overlong prefix-integer continuation
    '0000 51 05 2f', // value truncated
    '0000 51', // value length missing
    '0000 2f', // name length continuation missing
    '00', // prefix truncated
    '', // prefix missing
    '0000 51 81 ff', // Huffman value with 8 bits of padding
  ];
  for (const hex of refused) assert.throws(() => decodeFieldSection(fromHex(hex)), failed, hex);
});

test('QPACK: the decoded section size is capped (RFC 9114 §4.2.2 accounting)', () => {
  const block = encodeFieldSection([['a', 'b'.repeat(100)]]);
  assert.equal(decodeFieldSection(block, { maxFieldSectionBytes: 133 }).length, 1);
  assert.throws(() => decodeFieldSection(block, { maxFieldSectionBytes: 132 }), failed);
  const big = encodeFieldSection([['a', 'x'.repeat(70000)]]);
  assert.throws(() => decodeFieldSection(big), failed);
});

const visibleAscii = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
});
const lowerName = visibleAscii.map((s) => s.toLowerCase());
const staticField = fc.constantFrom(
  ...QPACK_STATIC_TABLE.map(([n, v]) => [n, v] as [string, string]),
);
const staticName = fc.tuple(fc.constantFrom(...QPACK_STATIC_TABLE.map(([n]) => n)), visibleAscii);

test('QPACK: arbitrary field lists round-trip', () => {
  const field = fc.oneof(fc.tuple(lowerName, visibleAscii), staticField, staticName);
  fc.assert(
    fc.property(fc.array(field, { maxLength: 12 }), (fields) => {
      assert.deepEqual(decodeFieldSection(encodeFieldSection(fields)), fields);
    }),
    { numRuns: 2000 },
  );
  const latin1 = fc.string({
    unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)),
  });
  fc.assert(
    fc.property(fc.array(fc.tuple(lowerName, latin1), { maxLength: 4 }), (fields) => {
      assert.deepEqual(decodeFieldSection(encodeFieldSection(fields)), fields);
    }),
  );
});

test('decodeFieldSection fuzz: random blocks throw only H3Error', () => {
  const block = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.uint8Array({ maxLength: 64 }).map((b) => concatBytes(fromHex('0000'), b)),
  );
  fc.assert(
    fc.property(block, (bytes) => {
      onlyH3Errors(() => decodeFieldSection(bytes, { maxFieldSectionBytes: 200 }));
    }),
    { numRuns: 2000 },
  );
});
