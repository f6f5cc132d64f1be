import { CodingError } from './coding-error.js';

/**
 * Bytes received from a stream, kept as the chunks they arrived in. Stream decoders peek at
 * headers and take whole frames without copying a chunk unless a frame spans several of them.
 */
export class ByteQueue {
  #chunks: Uint8Array[] = [];
  #head = 0; // bytes of #chunks[0] already consumed
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /** The first `min(n, length)` bytes, contiguous; a copy only when they span chunks. */
  peek(n: number): Uint8Array {
    const size = Math.min(n, this.#length);
    const first = this.#chunks[0];
    if (!first) return new Uint8Array(0);
    if (first.length - this.#head >= size) return first.subarray(this.#head, this.#head + size);
    return this.#gather(size, false);
  }

  /** Removes and returns exactly `n` bytes; a view when they lie in one chunk, else one copy. */
  take(n: number): Uint8Array {
    if (n > this.#length) {
      throw new CodingError('SHORT_BUFFER', `need ${n} bytes, have ${this.#length}`);
    }
    const first = this.#chunks[0];
    if (first && first.length - this.#head >= n) {
      const out = first.subarray(this.#head, this.#head + n);
      this.skip(n);
      return out;
    }
    return this.#gather(n, true);
  }

  skip(n: number): void {
    if (n > this.#length) {
      throw new CodingError('SHORT_BUFFER', `need ${n} bytes, have ${this.#length}`);
    }
    this.#length -= n;
    let left = n;
    while (left > 0) {
      const first = this.#chunks[0] as Uint8Array;
      const available = first.length - this.#head;
      if (left < available) {
        this.#head += left;
        return;
      }
      left -= available;
      this.#chunks.shift();
      this.#head = 0;
    }
  }

  #gather(size: number, consume: boolean): Uint8Array {
    const out = new Uint8Array(size);
    let filled = 0;
    let head = this.#head;
    for (const chunk of this.#chunks) {
      if (filled === size) break;
      const part = chunk.subarray(head, head + size - filled);
      out.set(part, filled);
      filled += part.length;
      head = 0;
    }
    if (consume) this.skip(size);
    return out;
  }
}
