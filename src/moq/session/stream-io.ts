/** An error carrying a stream error code, as W3C WebTransport's abort()/cancel() expect. */
export function streamError(code: number, message: string): Error {
  const Native = (globalThis as { WebTransportError?: typeof WebTransportError }).WebTransportError;
  if (Native) {
    try {
      return new Native(message, { streamErrorCode: code });
    } catch {
      // Chromium (156) still has the older one-dictionary constructor.
      const OneDictionary = Native as unknown as new (init: {
        message: string;
        streamErrorCode: number;
      }) => Error;
      return new OneDictionary({ message, streamErrorCode: code });
    }
  }
  return Object.assign(new Error(message), { streamErrorCode: code });
}

/** The stream error code of a reset/stop as a transport reports it, if any. */
export function streamErrorCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('streamErrorCode' in error))
    return undefined;
  const code: unknown = error.streamErrorCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Reads a byte stream chunk by chunk until it ends (returns), is reset (throws the transport's
 * error) or `signal` aborts (cancels the stream with `cancelCode`, then throws).
 */
export async function* readChunks(
  readable: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
  cancelCode = 0,
): AsyncGenerator<Uint8Array> {
  const reader = readable.getReader();
  const onAbort = (): void => {
    reader.cancel(streamError(cancelCode, 'cancelled')).catch(() => undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { value, done } = await reader.read();
      if (done) return;
      if (value.length > 0) yield value;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    reader.releaseLock();
  }
}

/** One writer over a send stream: ordered writes, FIN, or RESET with a code. */
export class StreamWriter {
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #done = false;

  constructor(writable: WritableStream<Uint8Array>) {
    this.#writer = writable.getWriter();
    this.#writer.closed.catch(() => undefined);
  }

  get isDone(): boolean {
    return this.#done;
  }

  /** Resolves once the transport has taken the bytes (backpressure lives here). */
  async write(bytes: Uint8Array): Promise<void> {
    await this.#writer.write(bytes);
  }

  async close(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await this.#writer.close();
  }

  /**
   * FIN without waiting for it to be acknowledged (a W3C close() settles only once the peer has
   * everything); never throws.
   */
  finish(): void {
    if (this.#done) return;
    this.#done = true;
    this.#writer.close().catch(() => undefined);
  }

  /** Resets the stream; never throws (the peer may already be gone). */
  reset(code: number, message = 'reset'): void {
    if (this.#done) return;
    this.#done = true;
    this.#writer.abort(streamError(code, message)).catch(() => undefined);
  }

  /** Resolves when the peer stops reading (STOP_SENDING) or the stream fails. */
  get closed(): Promise<void> {
    return this.#writer.closed;
  }
}
