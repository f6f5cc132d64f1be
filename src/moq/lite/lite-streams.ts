import { Writer } from '../../coding/index.js';

/** One writer over a send stream: ordered writes, FIN, or reset with a code. Never throws on end. */
export class LiteWriter {
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  #done = false;

  constructor(writable: WritableStream<Uint8Array>) {
    this.#writer = writable.getWriter();
    this.#writer.closed.catch(() => undefined);
  }

  get isDone(): boolean {
    return this.#done;
  }

  async write(bytes: Uint8Array): Promise<void> {
    await this.#writer.write(bytes);
  }

  /**
   * FIN, without waiting for it to be acknowledged: a W3C close() settles only once the peer
   * has everything, and nothing here needs to know that.
   */
  close(): void {
    if (this.#done) return;
    this.#done = true;
    this.#writer.close().catch(() => undefined);
  }

  reset(code: number, message = 'reset'): void {
    if (this.#done) return;
    this.#done = true;
    this.#writer
      .abort(Object.assign(new Error(message), { streamErrorCode: code }))
      .catch(() => undefined);
  }

  /** Settles when the peer stops reading (STOP_SENDING) or the stream ends. */
  get closed(): Promise<void> {
    return this.#writer.closed;
  }
}

/** A stream type varint, then a message: how every stream this session opens begins. */
export function withType(type: number, message: Uint8Array): Uint8Array {
  return new Writer(message.length + 8).varint(type).bytes(message).finish();
}
