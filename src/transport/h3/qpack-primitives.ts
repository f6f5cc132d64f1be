import { H3Error, H3ErrorCode } from './h3-error.js';
import { huffmanDecode, huffmanEncode, huffmanEncodedLength } from './huffman.js';

/**
 * Largest prefix integer we accept. Indexes, lengths and the prefix fields of a field section
 * without a dynamic table are all far smaller; RFC 7541 §5.1 lets a decoder cap integers.
 */
const MAX_INTEGER = 2 ** 32 - 1;

function fail(message: string): never {
  throw new H3Error(H3ErrorCode.QPACK_DECOMPRESSION_FAILED, message);
}

/** A cursor over one encoded field section; every failure is QPACK_DECOMPRESSION_FAILED. */
export class QpackCursor {
  offset = 0;

  constructor(readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  /** The current byte, without consuming it (its high bits select the representation). */
  peekByte(): number {
    const byte = this.bytes[this.offset];
    return byte ?? fail('field section truncated');
  }

  /**
   * An N-bit prefix integer (RFC 7541 §5.1): the low `prefixBits` of the current byte, and when
   * they are all ones, continuation bytes of 7 bits each, least significant group first.
   */
  integer(prefixBits: number): number {
    const max = (1 << prefixBits) - 1;
    let value = this.peekByte() & max;
    this.offset++;
    if (value < max) return value;
    for (let scale = 1; ; scale *= 128) {
      const byte = this.peekByte();
      this.offset++;
      value += (byte & 0x7f) * scale;
      if (value > MAX_INTEGER || scale > 2 ** 28) fail('prefix integer overflow');
      if ((byte & 0x80) === 0) return value;
    }
  }

  /**
   * A string literal (RFC 7541 §5.2, RFC 9204 §4.1.2): the H flag is the bit just above the
   * `prefixBits`-bit length prefix. Bytes become a latin1 string, which maps octets 1:1.
   */
  string(prefixBits: number): string {
    const huffman = (this.peekByte() & (1 << prefixBits)) !== 0;
    const length = this.integer(prefixBits);
    if (length > this.bytes.length - this.offset) fail('string literal truncated');
    const raw = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return latin1String(huffman ? huffmanDecode(raw) : raw);
  }
}

/** Appends encoded representations; each method mirrors a QpackCursor reader. */
export class QpackWriter {
  readonly #bytes: number[] = [];

  /** Writes `value` as an N-bit prefix integer; `flags` holds the bits above the prefix. */
  integer(flags: number, prefixBits: number, value: number): this {
    const max = (1 << prefixBits) - 1;
    if (value < max) {
      this.#bytes.push(flags | value);
      return this;
    }
    this.#bytes.push(flags | max);
    let rest = value - max;
    while (rest >= 128) {
      this.#bytes.push((rest % 128) | 0x80);
      rest = Math.floor(rest / 128);
    }
    this.#bytes.push(rest);
    return this;
  }

  /** Writes a string literal, Huffman-encoded when that is strictly shorter (as Chromium does). */
  string(flags: number, prefixBits: number, text: string): this {
    const raw = latin1Bytes(text);
    const huffman = huffmanEncodedLength(raw) < raw.length;
    const body = huffman ? huffmanEncode(raw) : raw;
    this.integer(flags | (huffman ? 1 << prefixBits : 0), prefixBits, body.length);
    for (const byte of body) this.#bytes.push(byte);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}

/**
 * Field bytes as latin1, one octet per char, so any octets survive a round trip. (Not
 * TextDecoder('latin1'): the Encoding Standard maps that label to windows-1252.)
 */
function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) throw new RangeError(`field has a char above U+00FF: ${JSON.stringify(text)}`);
    out[i] = code;
  }
  return out;
}

function latin1String(bytes: Uint8Array): string {
  let text = '';
  // Chunked: spreading a huge array into fromCharCode would overflow the argument limit.
  for (let at = 0; at < bytes.length; at += 4096) {
    text += String.fromCharCode(...bytes.subarray(at, at + 4096));
  }
  return text;
}
