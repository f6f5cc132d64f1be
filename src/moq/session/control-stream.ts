import { settleWithin } from '../../async/index.js';
import { MoqError } from '../error/index.js';
import {
  ControlMessageDecoder,
  encodeControlMessage,
  isDraft16,
  type ControlMessage,
} from '../message/index.js';
import { controlFirst } from './control-first.js';
import { RequestTable } from './request-table.js';
import { readChunks, StreamWriter } from './stream-io.js';

/** The bidirectional stream both peers exchange control messages on (§3.3). */
export class ControlStream {
  readonly #readable: ReadableStream<Uint8Array>;
  readonly #writer: StreamWriter;
  readonly #decoder = new ControlMessageDecoder();
  readonly #requests = new RequestTable();
  #version: number;
  #sending: Promise<void> = Promise.resolve();

  constructor(stream: WebTransportBidirectionalStream, version: number) {
    this.#readable = stream.readable as ReadableStream<Uint8Array>;
    this.#writer = new StreamWriter(controlFirst(stream.writable));
    this.#version = version;
    this.#decoder.setVersion(version);
  }

  setVersion(version: number): void {
    this.#version = version;
    this.#decoder.setVersion(version);
  }

  /** Queues a message; messages go out in call order. Rejects if the stream failed. */
  send(message: ControlMessage): Promise<void> {
    const wire = isDraft16(this.#version) ? this.#requests.outgoing(message) : message;
    const bytes = encodeControlMessage(wire, this.#version);
    this.#sending = this.#sending.then(() => this.#writer.write(bytes));
    return this.#sending;
  }

  /**
   * The peer's messages in order. Malformed bytes throw a session-scope MoqError; the stream
   * ending at all is a protocol violation (it lives as long as the session).
   */
  async *messages(signal?: AbortSignal): AsyncGenerator<ControlMessage> {
    // What arrived with the setup message (a pipelined SUBSCRIBE) is handled at once.
    for (let message = this.#next(); message; message = this.#next()) yield message;
    for await (const chunk of readChunks(this.#readable, signal)) {
      this.#decoder.push(chunk);
      for (let message = this.#next(); message; message = this.#next()) yield message;
    }
    throw MoqError.protocolViolation('the peer closed the control stream');
  }

  /** The next whole message, if buffered. */
  async nextMessage(signal?: AbortSignal): Promise<ControlMessage> {
    const buffered = this.#next();
    if (buffered) return buffered;
    for await (const chunk of readChunks(this.#readable, signal)) {
      this.#decoder.push(chunk);
      const message = this.#next();
      if (message) return message;
    }
    throw MoqError.protocolViolation('the peer closed the control stream during setup');
  }

  /** Resolves once every queued message is written, or after `timeoutMs`, whichever is first. */
  async flushed(timeoutMs: number): Promise<void> {
    await settleWithin(this.#sending, timeoutMs);
  }

  close(): void {
    this.#writer.reset(0, 'session closed');
  }

  #next(): ControlMessage | undefined {
    for (;;) {
      const message = this.#decode();
      if (!message || !isDraft16(this.#version)) return message;
      // Draft-16 answers become draft-14's; one that answers nothing we track is dropped.
      const translated = this.#requests.incoming(message);
      if (translated) return translated;
    }
  }

  #decode(): ControlMessage | undefined {
    try {
      return this.#decoder.next();
    } catch (error) {
      throw MoqError.fromDecode(error);
    }
  }
}
