import { varintSize, writeVarint } from '../../coding/index.js';
import { ByteQueue } from '../../coding/index.js';
import { H3Error, H3ErrorCode } from './h3-error.js';
import { readLenientVarint } from './lenient-varint.js';

/** Longest QUIC varint (RFC 9000 §16). */
const MAX_VARINT_BYTES = 8;

/** One type-length-value record: an HTTP/3 frame or an HTTP capsule. */
export interface Tlv {
  type: number;
  payload: Uint8Array;
}

/** Serialises Type (i), Length (i), Value: the layout of frames and capsules. */
export function encodeTlv(type: number, payload: Uint8Array): Uint8Array {
  const headerSize = varintSize(type) + varintSize(payload.length);
  const out = new Uint8Array(headerSize + payload.length);
  writeVarint(out, writeVarint(out, 0, type), payload.length);
  out.set(payload, headerSize);
  return out;
}

/** How a TlvReader reports its errors. */
export interface TlvErrors {
  /** What is being parsed, for messages ("frame", "capsule"). */
  what: string;
  /** Code for a stream that ends inside a record. */
  truncatedCode: number;
}

interface TlvHeader {
  type: number;
  /** Bytes taken by the type and length varints. */
  size: number;
  length: number;
}

/**
 * Incremental parser for `Type (i), Length (i), Value (..)` records, the layout shared by HTTP/3
 * frames (RFC 9114 §7.1) and capsules (RFC 9297 §3.2). Push bytes as they arrive, then call
 * next() until it returns undefined.
 */
export class TlvReader {
  readonly #queue = new ByteQueue();
  readonly #maxPayloadBytes: number;
  readonly #errors: TlvErrors;
  #header: TlvHeader | undefined;

  constructor(maxPayloadBytes: number, errors: TlvErrors) {
    if (!Number.isSafeInteger(maxPayloadBytes) || maxPayloadBytes < 0) {
      throw new RangeError(`maxPayloadBytes must be a non-negative integer: ${maxPayloadBytes}`);
    }
    this.#maxPayloadBytes = maxPayloadBytes;
    this.#errors = errors;
  }

  /** Bytes pushed but not yet returned by next(). */
  get bufferedBytes(): number {
    return this.#queue.length;
  }

  push(chunk: Uint8Array): void {
    // A copy: stream APIs commonly reuse their receive buffer for the next read.
    this.#queue.push(chunk.slice());
  }

  /**
   * The next complete record, or undefined until more bytes arrive. A declared length above the
   * limit throws H3Error(EXCESSIVE_LOAD) as soon as the header is complete, so a peer cannot make
   * us buffer a huge record first (RFC 9114 §10.5).
   */
  next(): Tlv | undefined {
    const header = this.#header ?? this.#readHeader();
    if (!header || this.#queue.length < header.size + header.length) return undefined;
    this.#header = undefined;
    this.#queue.take(header.size);
    return { type: header.type, payload: this.#queue.take(header.length) };
  }

  /** Parses and remembers the header of the next record, so a slow payload is not re-parsed. */
  #readHeader(): TlvHeader | undefined {
    const type = readLenientVarint(this.#queue.peekAt(0, MAX_VARINT_BYTES));
    const length = type && readLenientVarint(this.#queue.peekAt(type.size, MAX_VARINT_BYTES));
    if (!type || !length) return undefined;
    if (length.value > this.#maxPayloadBytes) {
      throw new H3Error(
        H3ErrorCode.EXCESSIVE_LOAD,
        `${this.#errors.what} of type 0x${type.value.toString(16)} declares ${length.value} bytes,` +
          ` limit ${this.#maxPayloadBytes}`,
      );
    }
    this.#header = { type: type.value, size: type.size + length.size, length: length.value };
    return this.#header;
  }

  /** Call at FIN: bytes left over mean the stream ended inside a record. */
  end(): void {
    if (this.#queue.length > 0) {
      throw new H3Error(
        this.#errors.truncatedCode,
        `stream ended inside a ${this.#errors.what} (${this.#queue.length} bytes left)`,
      );
    }
  }
}
