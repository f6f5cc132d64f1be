import { LiteError } from './lite-error.js';
import type { LiteSessionOptions } from './lite-options.js';
import { LitePublisher } from './lite-publisher.js';
import { LiteReader } from './lite-reader.js';
import { LiteWriter, withType } from './lite-streams.js';
import { LiteSubscriber } from './lite-subscriber.js';
import { decodeSetup, encodeSetup } from './setup.js';
import { LiteBidiType, LiteUniType } from './stream-type.js';
import { isLite05, liteVersionName, type LiteVersion } from './version.js';
import { Writer } from '../../coding/index.js';
import { controlFirst } from '../session/index.js';

/**
 * One moq-lite session (the server side, as the relay runs it): the version was fixed by the
 * negotiated protocol, so there is no SETUP handshake to wait for. Serves the peer's announce,
 * subscribe and track requests from the model, and feeds the peer's broadcasts into it.
 * Malformed bytes on any stream close the whole session with a reason; a refused request only
 * resets its own stream.
 */
export class LiteSession {
  readonly version: LiteVersion;
  readonly closed: Promise<void>;
  readonly #transport: WebTransport;
  readonly #options: LiteSessionOptions;
  readonly #abort = new AbortController();
  readonly #publisher: LitePublisher;
  readonly #subscriber: LiteSubscriber;
  #error: LiteError | undefined;

  constructor(transport: WebTransport, version: LiteVersion, options: LiteSessionOptions) {
    this.version = version;
    this.#transport = transport;
    this.#options = options;
    const session = { signal: this.#abort.signal, fail: (error: LiteError) => this.close(error) };
    this.#publisher = new LitePublisher(transport, version, options, session);
    this.#subscriber = new LiteSubscriber(transport, version, options, session);
    this.closed = new Promise<void>((resolve) => {
      const done = (): void => {
        this.close();
        resolve();
      };
      transport.closed.then(done, done);
      this.#abort.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    void this.#run();
  }

  get protocol(): string {
    return liteVersionName(this.version);
  }

  get isClosed(): boolean {
    return this.#abort.signal.aborted;
  }

  /** What closed the session, when it was an error of the peer's making. */
  get error(): LiteError | undefined {
    return this.#error;
  }

  get subscriptionsServed(): number {
    return this.#publisher.subscriptionsServed;
  }

  /** GOAWAY (lite-04+): a stream of its own carrying the URI to move to ('' = anywhere). */
  sendGoaway(uri = ''): void {
    if (this.version < 0xff0dad04 || this.isClosed) return;
    void (async () => {
      const stream = await this.#transport.createBidirectionalStream();
      const writer = new LiteWriter(controlFirst(stream.writable));
      const body = new Writer().utf8String(uri).finish();
      const message = new Writer().varint(body.length).bytes(body).finish();
      await writer.write(withType(LiteBidiType.GOAWAY, message));
    })().catch(() => undefined);
  }

  /** Ends the session (with the error's code and reason); safe to call twice. */
  close(error?: LiteError): void {
    if (this.#abort.signal.aborted) return;
    this.#error = error;
    this.#abort.abort();
    this.#subscriber.close(error);
    try {
      this.#transport.close({
        closeCode: error?.closeCode ?? 0,
        reason: (error?.message ?? 'session closed').slice(0, 1024),
      });
    } catch {
      // Already closed by the peer.
    }
  }

  async #run(): Promise<void> {
    const tasks = [
      this.#acceptBidis(),
      this.#acceptUnis(),
      this.#guard(this.#subscriber.discover()),
    ];
    if (isLite05(this.version)) tasks.push(this.#guard(this.#sendSetup()));
    await Promise.all(tasks);
  }

  async #sendSetup(): Promise<void> {
    const writer = new LiteWriter(controlFirst(await this.#transport.createUnidirectionalStream()));
    await writer.write(withType(LiteUniType.SETUP, encodeSetup()));
    writer.finish();
  }

  async #acceptBidis(): Promise<void> {
    const incoming = (
      this.#transport
        .incomingBidirectionalStreams as ReadableStream<WebTransportBidirectionalStream>
    ).getReader();
    try {
      for (;;) {
        const { value, done } = await incoming.read();
        if (done || this.isClosed) return;
        const stream = value;
        const reader = new LiteReader(stream.readable as ReadableStream<Uint8Array>);
        const writer = new LiteWriter(controlFirst(stream.writable));
        void this.#request(this.#serveBidi(reader, writer), writer, 'request');
      }
    } catch {
      // The session ended.
    } finally {
      incoming.releaseLock();
    }
  }

  async #serveBidi(reader: LiteReader, writer: LiteWriter): Promise<void> {
    const type = await reader.varint();
    switch (type) {
      case LiteBidiType.ANNOUNCE:
        return this.#publisher.serveAnnounce(reader, writer);
      case LiteBidiType.SUBSCRIBE:
        return this.#publisher.serveSubscribe(reader, writer);
      case LiteBidiType.TRACK:
        if (!isLite05(this.version)) break;
        return this.#publisher.serveTrack(reader, writer);
      case LiteBidiType.PROBE:
        // We make no bandwidth estimates: closing both sides says so.
        reader.cancel(0);
        return writer.finish();
      case LiteBidiType.FETCH:
        reader.cancel(0);
        throw new LiteError('NOT_FOUND', 'FETCH is not served by this relay');
      case LiteBidiType.GOAWAY:
        return; // a client's GOAWAY asks nothing of us
    }
    throw new LiteError('PROTOCOL_VIOLATION', `unknown stream type ${type}`);
  }

  async #acceptUnis(): Promise<void> {
    const incoming = (
      this.#transport.incomingUnidirectionalStreams as ReadableStream<ReadableStream<Uint8Array>>
    ).getReader();
    try {
      for (;;) {
        const { value, done } = await incoming.read();
        if (done || this.isClosed) return;
        const reader = new LiteReader(value);
        void this.#guard(this.#serveUni(reader));
      }
    } catch {
      // The session ended.
    } finally {
      incoming.releaseLock();
    }
  }

  async #serveUni(reader: LiteReader): Promise<void> {
    const type = await reader.varint();
    if (type === LiteUniType.GROUP) return this.#subscriber.receiveGroup(reader);
    if (type === LiteUniType.SETUP && isLite05(this.version)) {
      decodeSetup(await reader.message());
      if (!(await reader.done())) throw new LiteError('MALFORMED', 'bytes after SETUP');
      return;
    }
    throw new LiteError('PROTOCOL_VIOLATION', `unknown uni stream type ${type}`);
  }

  /** Runs one request: a refusal resets its stream, malformed bytes close the session. */
  async #request(work: Promise<void>, writer: LiteWriter, what: string): Promise<void> {
    try {
      await work;
    } catch (error) {
      if (error instanceof LiteError && error.isSessionFatal) return this.close(error);
      const failure = error instanceof Error ? error : new Error(String(error));
      if (!this.isClosed) this.#options.onRequestError?.(what, failure);
      writer.reset(error instanceof LiteError ? error.resetCode : 0x1, failure.message);
    }
  }

  /** Runs session-long work: malformed bytes close the session, transport failures end quietly. */
  async #guard(work: Promise<void>): Promise<void> {
    try {
      await work;
    } catch (error) {
      if (error instanceof LiteError && error.isSessionFatal) this.close(error);
    }
  }
}
