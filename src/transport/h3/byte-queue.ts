import { readLenientVarint, type LenientVarint } from './lenient-varint.js';

/** Longest QUIC varint (RFC 9000 §16). */
const MAX_VARINT_BYTES = 8;

/**
 * A FIFO of received bytes kept as a list of chunks, so that many small pushes cost O(total)
 * rather than re-copying one growing buffer. Bytes are copied only when a read spans chunks.
 */
export class ByteQueue {
  #chunks: Uint8Array[] = [];
  /** Index in #chunks of the first unread chunk (shifting arrays is O(n), so we advance). */
  #head = 0;
  /** Offset of the first unread byte inside the head chunk. */
  #offset = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  /** Appends a copy: stream APIs commonly reuse their receive buffer for the next read. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk.slice());
    this.#length += chunk.length;
  }

  /** Reads the varint starting `at` bytes into the queue without consuming it. */
  peekVarint(at: number): LenientVarint | undefined {
    return readLenientVarint(this.#peek(at, MAX_VARINT_BYTES));
  }

  /** Removes and returns the next `size` bytes (a view when they lie in one chunk). */
  take(size: number): Uint8Array {
    if (size > this.#length) throw new RangeError(`take(${size}) with ${this.#length} queued`);
    const head = this.#chunks[this.#head];
    if (head && this.#offset + size <= head.length) {
      const out = head.subarray(this.#offset, this.#offset + size);
      this.#advance(size);
      return out;
    }
    const out = this.#peek(0, size);
    this.#advance(size);
    return out;
  }

  /** Copies up to `size` bytes starting `at` bytes into the queue, without consuming them. */
  #peek(at: number, size: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, Math.min(size, this.#length - at)));
    let skip = this.#offset + at;
    let filled = 0;
    for (let i = this.#head; i < this.#chunks.length && filled < out.length; i++) {
      const chunk = this.#chunks[i] as Uint8Array;
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      const part = chunk.subarray(skip, skip + out.length - filled);
      out.set(part, filled);
      filled += part.length;
      skip = 0;
    }
    return out;
  }

  #advance(size: number): void {
    this.#length -= size;
    let left = size;
    while (left > 0) {
      const head = this.#chunks[this.#head] as Uint8Array;
      const available = head.length - this.#offset;
      if (left < available) {
        this.#offset += left;
        return;
      }
      left -= available;
      this.#head++;
      this.#offset = 0;
    }
    this.#compact();
  }

  /** Drops consumed chunk slots once they are the majority, keeping #advance amortised O(1). */
  #compact(): void {
    if (this.#length === 0) {
      this.#chunks = [];
      this.#head = 0;
    } else if (this.#head > 16 && this.#head * 2 > this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }
}
