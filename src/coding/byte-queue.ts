import { CodingError } from './coding-error.js';

/**
 * Bytes received from a stream, kept as the chunks they arrived in, so many small pushes cost
 * O(total) rather than re-copying one growing buffer. Decoders peek at headers and take whole
 * frames; a chunk is copied only when a read spans several. Chunks are kept as given: a source
 * that reuses its receive buffer must push a copy.
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

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /** The first `min(n, length)` bytes, without consuming them; a copy only when they span chunks. */
  peek(n: number): Uint8Array {
    return this.peekAt(0, n);
  }

  /** Up to `size` bytes starting `at` bytes into the queue, without consuming them. */
  peekAt(at: number, size: number): Uint8Array {
    const wanted = Math.max(0, Math.min(size, this.#length - at));
    const head = this.#chunks[this.#head];
    const start = this.#offset + at;
    if (head && start + wanted <= head.length) return head.subarray(start, start + wanted);
    return this.#gather(at, wanted);
  }

  /** Removes and returns exactly `n` bytes; a view when they lie in one chunk, else one copy. */
  take(n: number): Uint8Array {
    this.#require(n);
    const out = this.peekAt(0, n);
    this.skip(n);
    return out;
  }

  skip(n: number): void {
    this.#require(n);
    this.#length -= n;
    let left = n;
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

  #require(n: number): void {
    if (n > this.#length) {
      throw new CodingError('SHORT_BUFFER', `need ${n} bytes, have ${this.#length}`);
    }
  }

  #gather(at: number, size: number): Uint8Array {
    const out = new Uint8Array(size);
    let skip = this.#offset + at;
    let filled = 0;
    for (let i = this.#head; i < this.#chunks.length && filled < size; i++) {
      const chunk = this.#chunks[i] as Uint8Array;
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      const part = chunk.subarray(skip, skip + size - filled);
      out.set(part, filled);
      filled += part.length;
      skip = 0;
    }
    return out;
  }

  /** Drops consumed chunk slots once they are the majority, keeping skip amortised O(1). */
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
