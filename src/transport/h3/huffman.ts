import { H3Error, H3ErrorCode } from './h3-error.js';
import { HUFFMAN_CODES, HUFFMAN_EOS } from './huffman-table.js';

/** Huffman strings only occur in QPACK field sections, hence the error code. */
function fail(message: string): never {
  throw new H3Error(H3ErrorCode.QPACK_DECOMPRESSION_FAILED, message);
}

const MAX_CODE_BITS = 30;

/**
 * Canonical-code decoding tables (RFC 7541 Appendix B says the code is canonical): codes of one
 * length are consecutive integers, so a code of length L is `FIRST_CODE[L] + k` for the k-th
 * symbol of that length. Decoding then needs no tree, only these per-length arrays.
 */
interface CanonicalTables {
  firstCode: number[];
  count: number[];
  symbols: number[][];
}

function buildTables(): CanonicalTables {
  const symbols: number[][] = Array.from({ length: MAX_CODE_BITS + 1 }, () => []);
  HUFFMAN_CODES.forEach(([, bits], symbol) => symbols[bits]?.push(symbol));
  const firstCode: number[] = [];
  const count: number[] = [];
  for (let bits = 0; bits <= MAX_CODE_BITS; bits++) {
    const ofLength = (symbols[bits] ?? []).sort((a, b) => codeOf(a) - codeOf(b));
    count[bits] = ofLength.length;
    firstCode[bits] = ofLength.length > 0 ? codeOf(ofLength[0] as number) : 0;
    // A transcription error would break the canonical property; fail loudly at load instead.
    ofLength.forEach((symbol, k) => {
      if (codeOf(symbol) !== (firstCode[bits] as number) + k) {
        throw new Error(`Huffman table is not canonical at symbol ${symbol}`);
      }
    });
  }
  return { firstCode, count, symbols };
}

function codeOf(symbol: number): number {
  return (HUFFMAN_CODES[symbol] as readonly [number, number])[0];
}

const TABLES = buildTables();

/** Huffman-encoded size in bytes, to decide whether encoding pays (RFC 7541 §5.2). */
export function huffmanEncodedLength(bytes: Uint8Array): number {
  let bits = 0;
  for (const byte of bytes) bits += (HUFFMAN_CODES[byte] as readonly [number, number])[1];
  return Math.ceil(bits / 8);
}

/** Huffman-encodes octets, padding the last byte with the most significant bits of EOS (ones). */
export function huffmanEncode(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(huffmanEncodedLength(bytes));
  let pending = 0; // pending bits, at most 7 + 30 = 37: plain arithmetic, not 32-bit bit ops
  let pendingBits = 0;
  let at = 0;
  for (const byte of bytes) {
    const [code, bits] = HUFFMAN_CODES[byte] as readonly [number, number];
    pending = pending * 2 ** bits + code;
    pendingBits += bits;
    while (pendingBits >= 8) {
      pendingBits -= 8;
      const top = Math.floor(pending / 2 ** pendingBits);
      out[at++] = top;
      pending -= top * 2 ** pendingBits;
    }
  }
  if (pendingBits > 0) out[at] = (pending << (8 - pendingBits)) | (0xff >> pendingBits);
  return out;
}

/**
 * Decodes a Huffman string. Per RFC 7541 §5.2 an EOS symbol in the data, padding longer than 7
 * bits, or padding that is not the EOS prefix (all ones) is H3Error(QPACK_DECOMPRESSION_FAILED).
 */
export function huffmanDecode(bytes: Uint8Array): Uint8Array {
  // Every code is at least 5 bits long, which bounds the output.
  const out = new Uint8Array(Math.floor((bytes.length * 8) / 5));
  let at = 0;
  let code = 0;
  let bits = 0;
  for (const byte of bytes) {
    for (let shift = 7; shift >= 0; shift--) {
      code = (code << 1) | ((byte >> shift) & 1);
      bits++;
      const symbol = lookup(code, bits);
      if (symbol === undefined) continue;
      if (symbol === HUFFMAN_EOS) fail('EOS symbol inside a Huffman string');
      out[at++] = symbol;
      code = 0;
      bits = 0;
    }
  }
  if (bits > 7) fail(`Huffman padding of ${bits} bits`);
  if (code !== (1 << bits) - 1) fail('Huffman padding is not all ones');
  return out.subarray(0, at);
}

/** The symbol whose code is `code` on `bits` bits, or undefined if no code is that prefix. */
function lookup(code: number, bits: number): number | undefined {
  if (bits > MAX_CODE_BITS) fail('Huffman code longer than 30 bits');
  const index = code - (TABLES.firstCode[bits] as number);
  if (index < 0 || index >= (TABLES.count[bits] as number)) return undefined;
  return TABLES.symbols[bits]?.[index];
}
