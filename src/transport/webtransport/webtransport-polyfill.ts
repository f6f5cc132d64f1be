import type { TransportDatagrams, TransportSession, TransportStream } from '../session.js';
import { TransportError } from '../transport-error.js';
import {
  connectWebTransport,
  type ClientSession,
  type WebTransportConnectOptions,
} from './webtransport-client.js';

/**
 * The W3C `WebTransport` class for Node, over our own QUIC + HTTP/3 client. Libraries written
 * for browsers (e.g. @moq/lite) construct it synchronously and touch streams before `ready`,
 * so everything here exists at construction and forwards to the real session once it is up.
 * `congestionControl`, `allowPooling` and `requireUnreliable` are accepted and ignored.
 */
export class NodeWebTransport implements TransportSession {
  readonly ready: Promise<void>;
  readonly closed: Promise<WebTransportCloseInfo>;
  readonly incomingBidirectionalStreams: ReadableStream<TransportStream>;
  readonly incomingUnidirectionalStreams: ReadableStream<ReadableStream<Uint8Array>>;
  readonly datagrams: TransportDatagrams;
  readonly #session: Promise<ClientSession>;
  readonly #abort = new AbortController();
  #connected: ClientSession | undefined;
  #closeInfo: WebTransportCloseInfo | undefined;

  constructor(url: string | URL, options: WebTransportOptions = {}) {
    // A bad URL throws here, as the browser constructor does, not later through `ready`.
    const target = new URL(url);
    const connecting = connectWebTransport(target, connectOptions(options, this.#abort.signal));
    this.#session = connecting.then((session) => this.#adopt(session));
    this.ready = this.#session.then(() => undefined);
    this.closed = this.#session.then((session) => session.closed);
    // Browsers mark both as handled: a failed connect must not be an unhandled rejection
    // for callers that only await one of them.
    this.ready.catch(() => undefined);
    this.closed.catch(() => undefined);
    const session = this.#session;
    this.incomingBidirectionalStreams = forwardReadable(
      session.then((s) => s.incomingBidirectionalStreams),
      copyingStream,
    );
    this.incomingUnidirectionalStreams = forwardReadable(
      session.then((s) => s.incomingUnidirectionalStreams),
    );
    this.datagrams = new ForwardedDatagrams(session);
  }

  /** The sub-protocol the server chose; '' until the session is ready (as in Chromium). */
  get protocol(): string {
    return this.#connected?.protocol ?? '';
  }

  async createBidirectionalStream(
    options?: WebTransportSendStreamOptions,
  ): Promise<TransportStream> {
    const session = await this.#session;
    return copyingStream(await session.createBidirectionalStream(options));
  }

  async createUnidirectionalStream(
    options?: WebTransportSendStreamOptions,
  ): Promise<WritableStream<Uint8Array>> {
    const session = await this.#session;
    return copyingWritable(await session.createUnidirectionalStream(options));
  }

  close(info: WebTransportCloseInfo = {}): void {
    if (this.#connected) {
      this.#connected.close(info);
      return;
    }
    // Still connecting: abort the handshake, and close the session should it win the race.
    this.#closeInfo ??= info;
    this.#abort.abort();
  }

  #adopt(session: ClientSession): ClientSession {
    if (this.#closeInfo) {
      session.close(this.#closeInfo);
      throw new TransportError('WebTransport closed before it was ready', 'session');
    }
    this.#connected = session;
    return session;
  }
}

/** Sets `globalThis.WebTransport` to {@link NodeWebTransport} unless the runtime has one. */
export function installWebTransportPolyfill(): boolean {
  const scope = globalThis as { WebTransport?: unknown };
  if (typeof scope.WebTransport === 'function') return false;
  scope.WebTransport = NodeWebTransport;
  return true;
}

function connectOptions(
  options: WebTransportOptions,
  signal: AbortSignal,
): WebTransportConnectOptions {
  const hashes = (options.serverCertificateHashes ?? [])
    // The W3C API ignores hashes of any algorithm it does not know.
    .filter((hash) => hash.algorithm.toLowerCase() === 'sha-256')
    .map((hash) => ({ algorithm: 'sha-256' as const, value: toBytes(hash.value) }));
  return {
    protocols: options.protocols ? [...options.protocols] : [],
    serverCertificateHashes: hashes.length > 0 ? hashes : undefined,
    signal,
  };
}

function toBytes(source: BufferSource): Uint8Array {
  if (ArrayBuffer.isView(source))
    return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  return new Uint8Array(source);
}

/**
 * A stream that exists now and reads from one that exists later. A high-water mark of zero
 * pulls only when someone reads, so backpressure reaches the real stream unchanged.
 */
function forwardReadable<T>(
  source: Promise<ReadableStream<T>>,
  map: (item: T) => T = (item) => item,
): ReadableStream<T> {
  // The failure reaches readers through pull(); nobody may read, so it must not go unhandled.
  source.catch(() => undefined);
  let reader: Promise<ReadableStreamDefaultReader<T>> | undefined;
  const lock = (): Promise<ReadableStreamDefaultReader<T>> =>
    (reader ??= source.then((stream) => stream.getReader()));
  return new ReadableStream<T>(
    {
      async pull(controller) {
        const { value, done } = await (await lock()).read();
        if (done) controller.close();
        else controller.enqueue(map(value));
      },
      async cancel(reason) {
        const real = await lock().catch(() => undefined);
        await real?.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * The W3C API copies a chunk's bytes when `write()` is called, and browser code relies on it:
 * @moq/lite encodes every varint into one scratch buffer that it reuses as soon as the write
 * resolves. Our streams queue the caller's bytes by reference (a write may resolve before QUIC
 * has taken them), so a reused buffer would be sent with its later contents.
 */
export function copyingWritable(real: WritableStream<Uint8Array>): WritableStream<Uint8Array> {
  const writer = real.getWriter();
  return new WritableStream<Uint8Array>({
    write: (chunk) => writer.write(chunk.slice()),
    close: () => writer.close(),
    abort: (reason) => writer.abort(reason),
  });
}

function copyingStream(stream: TransportStream): TransportStream {
  return { readable: stream.readable, writable: copyingWritable(stream.writable) };
}

/**
 * A session whose writes copy their bytes, as the W3C API does (see {@link copyingWritable}):
 * for browser-style code such as @moq/lite's server half running on a session that our
 * TransportServer accepted.
 */
export class CopyingSession implements TransportSession {
  readonly incomingBidirectionalStreams: ReadableStream<TransportStream>;

  constructor(private readonly session: TransportSession) {
    this.incomingBidirectionalStreams = session.incomingBidirectionalStreams.pipeThrough(
      new TransformStream<TransportStream, TransportStream>({
        transform: (stream, controller) => controller.enqueue(copyingStream(stream)),
      }),
    );
  }

  get ready(): Promise<void> {
    return this.session.ready;
  }
  get closed(): Promise<WebTransportCloseInfo> {
    return this.session.closed;
  }
  get protocol(): string {
    return this.session.protocol;
  }
  get datagrams(): TransportDatagrams {
    return this.session.datagrams;
  }
  get incomingUnidirectionalStreams(): ReadableStream<ReadableStream<Uint8Array>> {
    return this.session.incomingUnidirectionalStreams;
  }

  async createBidirectionalStream(
    options?: WebTransportSendStreamOptions,
  ): Promise<TransportStream> {
    return copyingStream(await this.session.createBidirectionalStream(options));
  }

  async createUnidirectionalStream(
    options?: WebTransportSendStreamOptions,
  ): Promise<WritableStream<Uint8Array>> {
    return copyingWritable(await this.session.createUnidirectionalStream(options));
  }

  close(info?: WebTransportCloseInfo): void {
    this.session.close(info);
  }
}

/** A writable that exists now and writes to one that exists later. */
function forwardWritable<T>(target: Promise<WritableStream<T>>): WritableStream<T> {
  target.catch(() => undefined);
  let writer: Promise<WritableStreamDefaultWriter<T>> | undefined;
  const lock = (): Promise<WritableStreamDefaultWriter<T>> =>
    (writer ??= target.then((stream) => stream.getWriter()));
  return new WritableStream<T>({
    async write(chunk) {
      await (await lock()).write(chunk);
    },
    async close() {
      await (await lock()).close();
    },
    async abort(reason) {
      const real = await lock().catch(() => undefined);
      await real?.abort(reason);
    },
  });
}

/** Datagrams before and after `ready`; the queue settings apply to the real one once up. */
class ForwardedDatagrams implements TransportDatagrams {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  #real: TransportDatagrams | undefined;
  #incomingHighWaterMark = 256;
  #incomingMaxAge: number | null = null;
  #outgoingHighWaterMark = 256;
  #outgoingMaxAge: number | null = null;

  constructor(session: Promise<ClientSession>) {
    const real = session.then((s) => this.#adopt(s.datagrams));
    this.readable = forwardReadable(real.then((d) => d.readable));
    this.writable = forwardWritable(real.then((d) => d.writable));
  }

  get maxDatagramSize(): number {
    // Before the handshake the path MTU is unknown; QUIC's minimum datagram room is safe.
    return this.#real?.maxDatagramSize ?? 1024;
  }

  get incomingHighWaterMark(): number {
    return this.#real?.incomingHighWaterMark ?? this.#incomingHighWaterMark;
  }
  set incomingHighWaterMark(value: number) {
    this.#incomingHighWaterMark = value;
    if (this.#real) this.#real.incomingHighWaterMark = value;
  }

  get incomingMaxAge(): number | null {
    return this.#real?.incomingMaxAge ?? this.#incomingMaxAge;
  }
  set incomingMaxAge(value: number | null) {
    this.#incomingMaxAge = value;
    if (this.#real) this.#real.incomingMaxAge = value;
  }

  get outgoingHighWaterMark(): number {
    return this.#real?.outgoingHighWaterMark ?? this.#outgoingHighWaterMark;
  }
  set outgoingHighWaterMark(value: number) {
    this.#outgoingHighWaterMark = value;
    if (this.#real) this.#real.outgoingHighWaterMark = value;
  }

  get outgoingMaxAge(): number | null {
    return this.#real?.outgoingMaxAge ?? this.#outgoingMaxAge;
  }
  set outgoingMaxAge(value: number | null) {
    this.#outgoingMaxAge = value;
    if (this.#real) this.#real.outgoingMaxAge = value;
  }

  #adopt(real: TransportDatagrams): TransportDatagrams {
    real.incomingHighWaterMark = this.#incomingHighWaterMark;
    real.incomingMaxAge = this.#incomingMaxAge;
    real.outgoingHighWaterMark = this.#outgoingHighWaterMark;
    real.outgoingMaxAge = this.#outgoingMaxAge;
    this.#real = real;
    return real;
  }
}
