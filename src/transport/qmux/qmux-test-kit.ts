/**
 * Test helpers for QMux sessions: a frontend serving sessions to a handler, an echo handler, and
 * stream utilities. Only tests import this.
 */
import { WebSocket } from 'ws';
import { CertificateStore } from '../cert/index.js';
import { HttpFrontend, type HttpFrontendOptions } from '../http/index.js';
import type { AcceptedSession, TransportSession } from '../session.js';

export type SessionHandler = (accepted: AcceptedSession) => void;

export interface TestServer {
  readonly frontend: HttpFrontend;
  readonly certificates: CertificateStore;
  readonly accepted: AcceptedSession[];
  url(path?: string): string;
  close(): Promise<void>;
}

/** A loopback frontend whose sessions all go to `handler`. */
export async function startServer(
  handler: SessionHandler,
  options: Partial<Omit<HttpFrontendOptions, 'certificates'>> = {},
): Promise<TestServer> {
  const certificates = await CertificateStore.create({});
  const frontend = await HttpFrontend.listen({
    host: '127.0.0.1',
    port: 0,
    ...options,
    certificates,
  });
  const accepted: AcceptedSession[] = [];
  void (async () => {
    for (let next = await frontend.accept(); next; next = await frontend.accept()) {
      accepted.push(next);
      handler(next);
    }
  })();
  const scheme = options.tls ? 'https' : 'http';
  return {
    frontend,
    certificates,
    accepted,
    url: (path = '/moq') => `${scheme}://127.0.0.1:${frontend.port}${path}`,
    close: async () => {
      await frontend.close();
      certificates.close();
    },
  };
}

/** Calls `each` for every item until the stream ends or errors (a closing session). */
async function forEach<T>(stream: ReadableStream<T>, each: (item: T) => void): Promise<void> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      each(value);
    }
  } catch {
    // The session ended; nothing more will arrive.
  }
}

/** Echoes bidi streams in place, answers each uni stream with a uni stream, echoes datagrams. */
export function echoSession({ session }: AcceptedSession): void {
  void forEach(session.incomingBidirectionalStreams, (stream) => {
    stream.readable.pipeTo(stream.writable).catch(() => undefined);
  });
  void forEach(session.incomingUnidirectionalStreams, (readable) => {
    void (async () => {
      const data = await readAll(readable);
      const writable = await session.createUnidirectionalStream();
      const writer = writable.getWriter();
      await writer.write(data);
      await writer.close();
    })().catch(() => undefined);
  });
  const datagrams = session.datagrams.readable;
  const replies = session.datagrams.writable.getWriter();
  void forEach(datagrams, (datagram) => void replies.write(datagram).catch(() => undefined));
}

export async function readAll(readable: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const reader = readable.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  // A plain Uint8Array, so deepStrictEqual compares it with other Uint8Arrays.
  return new Uint8Array(Buffer.concat(chunks));
}

/** Writes `data` to a new bidi stream, closes it, and returns what came back. */
export async function echoOnce(session: TransportSession, data: Uint8Array): Promise<Uint8Array> {
  const stream = await session.createBidirectionalStream();
  const writer = stream.writable.getWriter();
  const [reply] = await Promise.all([
    readAll(stream.readable),
    (async () => {
      await writer.write(data);
      await writer.close();
    })(),
  ]);
  return reply;
}

/** Bytes whose every position is checkable: catches reordering, loss and duplication. */
export function pattern(size: number, seed = 0): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed + (i >> 8)) & 0xff;
  return bytes;
}

/** Runs `body` with console.error silenced: @moq/qmux logs every protocol violation it sees. */
export async function quietly<T>(body: () => Promise<T>): Promise<T> {
  const original = console.error;
  console.error = () => undefined;
  try {
    return await body();
  } finally {
    console.error = original;
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with the HTTP status a raw WebSocket upgrade gets, offering `protocols`. */
export function upgradeStatus(url: string, protocols: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols);
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('upgrade', () => reject(new Error('the server upgraded')));
    socket.on('error', () => undefined);
  });
}

/** Opens a raw WebSocket speaking `subprotocol`, for feeding the server bytes by hand. */
export function rawSocket(url: string, subprotocol: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, [subprotocol]);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

export function closedWithin(socket: WebSocket, ms: number): Promise<boolean> {
  if (socket.readyState === socket.CLOSED) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
