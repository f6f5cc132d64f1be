/**
 * The bytes of one encoder output, buffered between the pipe (which must always be drained so
 * ffmpeg never blocks) and one consumer. A consumer that stops early detaches: later bytes are
 * dropped rather than kept.
 */
export class OutputQueue implements AsyncIterable<Uint8Array> {
  private readonly chunks: Uint8Array[] = [];
  private head = 0;
  private queuedBytes = 0;
  private ended = false;
  private failure: Error | undefined;
  private detached = false;
  private overflowed = false;
  private iterated = false;
  private wake: (() => void) | undefined;

  /** @param onOverflow called once when more than `maxQueuedBytes` wait for the consumer. */
  constructor(
    private readonly maxQueuedBytes: number,
    private readonly onOverflow: (queuedBytes: number) => void,
  ) {}

  get sizeBytes(): number {
    return this.queuedBytes;
  }

  push(chunk: Uint8Array): void {
    if (this.detached || this.ended || this.overflowed) return;
    this.chunks.push(chunk);
    this.queuedBytes += chunk.byteLength;
    this.signal();
    if (this.queuedBytes <= this.maxQueuedBytes) return;
    // Past the limit the stream is broken anyway; keep memory bounded while the encoder closes.
    this.overflowed = true;
    this.onOverflow(this.queuedBytes);
  }

  /** No more bytes; the consumer sees `error` (after the bytes already queued) if given. */
  end(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    this.signal();
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.iterated) throw new Error('an encoder output can be read only once');
    this.iterated = true;
    return {
      next: () => this.next(),
      return: async () => {
        this.detach();
        return { done: true, value: undefined };
      },
    };
  }

  private async next(): Promise<IteratorResult<Uint8Array>> {
    for (;;) {
      if (this.detached) return { done: true, value: undefined };
      const chunk = this.shift();
      if (chunk) return { done: false, value: chunk };
      if (this.ended) {
        if (this.failure) throw this.failure;
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private shift(): Uint8Array | undefined {
    if (this.head >= this.chunks.length) return undefined;
    const chunk = this.chunks[this.head];
    this.chunks[this.head++] = EMPTY;
    // Compact now and then so a long-running queue does not keep a growing array.
    if (this.head > 1024 && this.head * 2 > this.chunks.length) {
      this.chunks.splice(0, this.head);
      this.head = 0;
    }
    if (chunk) this.queuedBytes -= chunk.byteLength;
    return chunk;
  }

  private detach(): void {
    this.detached = true;
    this.chunks.length = 0;
    this.head = 0;
    this.queuedBytes = 0;
    this.signal();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

const EMPTY = new Uint8Array(0);
