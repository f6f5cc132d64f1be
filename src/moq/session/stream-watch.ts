import type { BudgetAccount } from '../model/index.js';
import { DataStreamResetCode, MoqError } from '../error/index.js';

export interface StreamWatchOptions {
  /** How long the stream may stay silent inside an object. */
  stallMs: number;
  /** Whether the decoder holds part of a header or object now. */
  midObject: () => boolean;
  /** Cancels the stream (called once, on a stall, with the stream-scope error). */
  onStall: (error: MoqError) => void;
  /** Where the decoder's buffered bytes are charged, if anywhere. */
  budget?: BudgetAccount | undefined;
}

/**
 * Watches one incoming data stream: bytes it holds in its decoder are charged to the memory
 * budget as they arrive and released as objects leave (into the track's cache, which charges
 * them itself) or the stream ends; silence inside an object past `stallMs` cancels the stream,
 * so a peer cannot pin a half-sent object forever (draft-14 §Data Streams, DATA_STREAM_TIMEOUT).
 */
export class StreamWatch {
  readonly #options: StreamWatchOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #chargedBytes = 0;
  #stalled = false;

  constructor(options: StreamWatchOptions) {
    this.#options = options;
    this.#arm();
  }

  /** A chunk arrived; the decoder now holds `bufferedBytes`. */
  arrived(bufferedBytes: number): void {
    this.#charge(bufferedBytes);
    this.#arm();
  }

  /** The decoder handed out what it could; it still holds `bufferedBytes`. */
  drained(bufferedBytes: number): void {
    this.#charge(bufferedBytes);
  }

  /** After the stream's reads ended: a stall is this stream's own error, never the session's. */
  throwIfStalled(): void {
    if (this.#stalled) throw this.#error();
  }

  #error(): MoqError {
    return new MoqError(
      DataStreamResetCode.DELIVERY_TIMEOUT,
      `data stream silent for ${this.#options.stallMs} ms inside an object`,
      'stream',
    );
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#charge(0);
  }

  #charge(bufferedBytes: number): void {
    const delta = bufferedBytes - this.#chargedBytes;
    this.#chargedBytes = bufferedBytes;
    if (delta > 0) this.#options.budget?.charge(delta);
    else this.#options.budget?.release(-delta);
  }

  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (!this.#options.midObject()) return this.#arm();
      this.#stalled = true;
      this.#options.onStall(this.#error());
    }, this.#options.stallMs);
    // A watch never keeps a process alive on its own.
    (this.#timer as { unref?: () => void }).unref?.();
  }
}
