import { ByteQueue, CodingError, Reader, readVarint } from '../../coding/index.js';
import { LiteError } from './lite-error.js';

/** Messages bigger than this are refused: moq-lite control messages are small. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * Reads one moq-lite stream as it arrives: varints, byte runs and size-prefixed messages. A
 * stream that ends inside a value is MALFORMED; a reset surfaces as the transport's error.
 */
export class LiteReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #queue = new ByteQueue();
  #ended = false;

  constructor(readable: ReadableStream<Uint8Array>) {
    this.#reader = readable.getReader();
    this.#reader.closed.catch(() => undefined);
  }

  async varint(): Promise<number> {
    await this.#fill(1);
    const size = 1 << ((this.#queue.peek(1)[0] as number) >> 6);
    await this.#fill(size);
    const decoded = decode(() => readVarint(this.#queue.peek(size)));
    if (!decoded) throw new LiteError('MALFORMED', 'truncated varint');
    this.#queue.skip(size);
    return decoded.value;
  }

  async bytes(sizeBytes: number): Promise<Uint8Array> {
    await this.#fill(sizeBytes);
    // A copy: the queue's chunks may be views into the transport's buffers.
    return this.#queue.take(sizeBytes).slice();
  }

  /** A varint size, then that many bytes, handed back as a Reader over exactly the message. */
  async message(maxBytes = MAX_MESSAGE_BYTES): Promise<Reader> {
    const size = await this.varint();
    if (size > maxBytes)
      throw new LiteError('MALFORMED', `message of ${size} bytes (max ${maxBytes})`);
    return new Reader(await this.bytes(size));
  }

  /** True once the stream ended cleanly with nothing left to read. */
  async done(): Promise<boolean> {
    if (this.#queue.length > 0) return false;
    await this.#pull();
    return this.#queue.length === 0 && this.#ended;
  }

  /** Stops reading (STOP_SENDING with `code`); safe to call twice. */
  cancel(code = 0): void {
    this.#reader
      .cancel(Object.assign(new Error('stopped'), { streamErrorCode: code }))
      .catch(() => undefined);
  }

  async #fill(sizeBytes: number): Promise<void> {
    while (this.#queue.length < sizeBytes) {
      if (this.#ended) throw new LiteError('MALFORMED', 'stream ended inside a message');
      await this.#pull();
    }
  }

  async #pull(): Promise<void> {
    if (this.#ended) return;
    const { value, done } = await this.#reader.read();
    if (done) this.#ended = true;
    else this.#queue.push(value);
  }
}

/** Runs a decoder over a whole message: every CodingError (short, bad UTF-8) is MALFORMED. */
export function decode<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof CodingError) throw new LiteError('MALFORMED', error.message);
    throw error;
  }
}

/** Decodes a message body and checks it was used to the last byte. */
export function decodeWhole<T>(reader: Reader, what: string, run: (r: Reader) => T): T {
  return decode(() => {
    const value = run(reader);
    if (reader.remaining !== 0) {
      throw new LiteError('MALFORMED', `${reader.remaining} bytes left over in ${what}`);
    }
    return value;
  });
}
