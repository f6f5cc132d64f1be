import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { H3ErrorCode, huffmanDecode, huffmanEncode } from './index.js';
import { HUFFMAN_CODES } from './huffman-table.js';
import { fromHex, h3Error, onlyH3Errors, toHex } from './test-support.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Huffman strings from RFC 7541 Appendix C.4 and C.6. */
const RFC_7541_VECTORS: Array<[string, string]> = [
  ['www.example.com', 'f1e3c2e5f23a6ba0ab90f4ff'],
  ['no-cache', 'a8eb10649cbf'],
  ['custom-key', '25a849e95ba97d7f'],
  ['custom-value', '25a849e95bb8e8b4bf'],
  ['302', '6402'],
  ['private', 'aec3771a4b'],
  ['Mon, 21 Oct 2013 20:13:21 GMT', 'd07abe941054d444a8200595040b8166e082a62d1bff'],
  ['https://www.example.com', '9d29ad171863c78f0b97c8e9ae82ae43d3'],
  ['gzip', '9bd9ab'],
  [
    'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1',
    '94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007',
  ],
];

test('huffman: RFC 7541 Appendix C vectors encode and decode', () => {
  for (const [plain, encoded] of RFC_7541_VECTORS) {
    assert.equal(toHex(huffmanEncode(text(plain))), encoded, plain);
    assert.deepEqual(huffmanDecode(fromHex(encoded)), text(plain), plain);
  }
  assert.deepEqual(huffmanDecode(new Uint8Array()), new Uint8Array());
});

test('huffman table: 257 codes forming a complete prefix code of 5 to 30 bits', () => {
  assert.equal(HUFFMAN_CODES.length, 257);
  let kraft = 0;
  for (const [code, bits] of HUFFMAN_CODES) {
    assert.ok(bits >= 5 && bits <= 30 && code < 2 ** bits);
    kraft += 2 ** -bits;
  }
  assert.equal(kraft, 1);
  assert.deepEqual(HUFFMAN_CODES[256], [0x3fffffff, 30]);
  assert.deepEqual(HUFFMAN_CODES['/'.charCodeAt(0)], [0x18, 6]); // the RFC's worked example
});

test('huffman: every single octet round-trips', () => {
  for (let byte = 0; byte < 256; byte++) {
    assert.deepEqual(huffmanDecode(huffmanEncode(Uint8Array.of(byte))), Uint8Array.of(byte));
  }
});

test('huffman: bad padding and EOS are QPACK_DECOMPRESSION_FAILED', () => {
  const failed = h3Error(H3ErrorCode.QPACK_DECOMPRESSION_FAILED);
  assert.throws(() => huffmanDecode(fromHex('ff')), failed); // 8 bits of padding
  assert.throws(() => huffmanDecode(fromHex('ffff')), failed);
  assert.throws(() => huffmanDecode(fromHex('fffffffc')), failed); // EOS (30 ones) inside
  assert.throws(() => huffmanDecode(fromHex('1e')), failed); // '0' (00000) then padding 110
  assert.throws(() => huffmanDecode(fromHex('00')), failed); // '0' then padding 000
  assert.deepEqual(huffmanDecode(fromHex('07')), text('0')); // '0' then padding 111
});

test('huffman: encode then decode is the identity on arbitrary bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      assert.deepEqual(huffmanDecode(huffmanEncode(bytes)), bytes);
    }),
    { numRuns: 2000 },
  );
});

test('huffmanDecode fuzz: random input throws only H3Error', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      onlyH3Errors(() => huffmanDecode(bytes));
    }),
    { numRuns: 2000 },
  );
});
