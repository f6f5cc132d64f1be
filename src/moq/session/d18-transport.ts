import { D18MessageType } from '../message/index.js';
import { type VarintEncoding, readVarint, readVi64 } from '../../coding/index.js';

/**
 * Draft-18 §Unidirectional Stream Types: the peer's control stream is a unidirectional stream
 * that begins with SETUP (0x2F00), beside its data streams. This wraps a transport so the
 * session's data receiver sees only data streams (each with the bytes peeked put back) and the
 * control stream is handed over once.
 */
export class D18StreamSplit {
  /** The transport as the session sees it: the same, minus the peer's control stream. */
  readonly transport: WebTransport;
  /** The peer's control stream, its SETUP bytes still in it. */
  readonly peerControl: Promise<ReadableStream<Uint8Array>>;
  readonly #data: ReadableStream<ReadableStream<Uint8Array>>;
  #dataController!: ReadableStreamDefaultController<ReadableStream<Uint8Array>>;
  #onControl!: (stream: ReadableStream<Uint8Array>) => void;
  #failControl!: (error: Error) => void;
  #controlSeen = false;

  constructor(inner: WebTransport) {
    this.peerControl = new Promise((resolve, reject) => {
      this.#onControl = resolve;
      this.#failControl = reject;
    });
    this.peerControl.catch(() => undefined);
    this.#data = new ReadableStream({ start: (c) => (this.#dataController = c) });
    const data = this.#data;
    this.transport = new Proxy(inner, {
      get(target, key) {
        if (key === 'incomingUnidirectionalStreams') return data;
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    void this.#pump(inner);
  }

  async #pump(inner: WebTransport): Promise<void> {
    const reader = (
      inner.incomingUnidirectionalStreams as ReadableStream<ReadableStream<Uint8Array>>
    ).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        void this.#sort(value);
      }
    } catch {
      // The session ended.
    }
    try {
      this.#dataController.close();
    } catch {
      // Already closed.
    }
    // Not a MoqError: the session's setup then learns the peer's close code and reason
    // (UNAUTHORIZED, say) from the transport instead.
    this.#failControl(new Error('session ended before the peer SETUP'));
  }

  /** Reads until the stream type is known, then routes the stream with its bytes restored. */
  async #sort(stream: ReadableStream<Uint8Array>): Promise<void> {
    let peeked: Peeked;
    try {
      peeked = await peekStream(stream, 'vi64');
    } catch {
      // Reset before its type arrived: nothing to route.
      return;
    }
    const { type, readable: restored } = peeked;
    if (type === D18MessageType.Setup && !this.#controlSeen) {
      this.#controlSeen = true;
      this.#onControl(restored);
      return;
    }
    try {
      this.#dataController.enqueue(restored);
    } catch {
      // The session ended.
    }
  }
}

export interface Peeked {
  /** The stream's first integer, undefined if it ended first. */
  readonly type: number | undefined;
  /** The same stream, the peeked bytes put back. */
  readonly readable: ReadableStream<Uint8Array>;
}

/** Reads a stream until its first integer (its type) is known; throws if it is reset first. */
export async function peekStream(
  stream: ReadableStream<Uint8Array>,
  encoding: VarintEncoding,
): Promise<Peeked> {
  const reader = stream.getReader();
  const head: Uint8Array[] = [];
  let type: number | undefined;
  while (type === undefined) {
    const { value, done } = await reader.read();
    if (done) break;
    head.push(value);
    const bytes = concat(head);
    type = (encoding === 'vi64' ? readVi64(bytes) : readVarint(bytes))?.value;
  }
  return { type, readable: replay(head, reader) };
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * A stream that yields the peeked chunks, then the rest of the original. Data streams are read
 * only through `getReader()`, so this is a reader over the original one, not a second stream:
 * no extra queue and no extra async hop per chunk on the data path.
 */
function replay(
  head: readonly Uint8Array[],
  reader: ReadableStreamDefaultReader<Uint8Array>,
): ReadableStream<Uint8Array> {
  const queued = [...head];
  const replayed = {
    read(): Promise<ReadableStreamReadResult<Uint8Array>> {
      const next = queued.shift();
      return next ? Promise.resolve({ value: next, done: false }) : reader.read();
    },
    cancel: (reason?: unknown): Promise<void> => reader.cancel(reason),
    releaseLock(): void {
      // The original stays locked to this one reader for the stream's life.
    },
    closed: reader.closed,
  };
  return { getReader: () => replayed } as unknown as ReadableStream<Uint8Array>;
}
