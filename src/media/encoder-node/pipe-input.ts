import type { Writable } from 'node:stream';

/** How much of a piped stream is read before probing it, at most. */
const MAX_PREFIX_BYTES = 1024 * 1024;
/** Enough for the header of a stream that is not MP4 (WebM, MPEG-TS) to name its tracks. */
const NON_MP4_PREFIX_BYTES = 64 * 1024;
const PREFIX_WAIT_MS = 3_000;

type Chunk = string | Buffer | Uint8Array;

/**
 * A piped input read in two steps: first its header (to probe it), then the rest, fed to
 * ffmpeg's stdin with backpressure.
 */
export class PipeInput {
  private readonly iterator: AsyncIterator<Chunk>;
  private pending: Promise<IteratorResult<Chunk>> | undefined;
  private readonly prefix: Uint8Array[] = [];
  private stopped = false;

  constructor(input: NodeJS.ReadableStream) {
    this.iterator = input[Symbol.asyncIterator]();
  }

  /**
   * Reads until the stream's header is complete: an MP4 `moov`, 64 KiB of anything else,
   * the end of the stream, or 3 s after the first byte.
   */
  async readHeader(signal?: AbortSignal): Promise<Uint8Array> {
    let deadline = Number.POSITIVE_INFINITY;
    for (;;) {
      const bytes = concat(this.prefix);
      if (headerComplete(bytes) || bytes.byteLength >= MAX_PREFIX_BYTES) return bytes;
      signal?.throwIfAborted();
      const result = await this.nextBefore(deadline - Date.now(), signal);
      if (result === 'timeout' || result.done) return concat(this.prefix);
      this.prefix.push(toBytes(result.value));
      if (deadline === Number.POSITIVE_INFINITY) deadline = Date.now() + PREFIX_WAIT_MS;
    }
  }

  /** Writes the header, then the rest of the input, to `sink`; ends `sink` when the input ends. */
  async feed(sink: Writable): Promise<void> {
    const failed = new Promise<'closed'>((resolve) => {
      sink.once('close', () => resolve('closed'));
      sink.once('error', () => resolve('closed'));
    });
    for (const chunk of this.prefix.splice(0)) {
      if (!(await write(sink, chunk, failed))) return;
    }
    while (!this.stopped) {
      const result = await Promise.race([this.next(), failed]);
      if (result === 'closed') return;
      if (result.done) break;
      if (!(await write(sink, toBytes(result.value), failed))) return;
    }
    if (!sink.destroyed) sink.end();
  }

  /** Stops feeding (the input itself stays open: it belongs to the caller). */
  stop(): void {
    this.stopped = true;
  }

  private next(): Promise<IteratorResult<Chunk>> {
    const pending = this.pending ?? this.iterator.next();
    this.pending = undefined;
    return pending;
  }

  private async nextBefore(
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<IteratorResult<Chunk> | 'timeout'> {
    const pending = this.pending ?? this.iterator.next();
    this.pending = pending;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      if (Number.isFinite(waitMs))
        timer = setTimeout(() => resolve('timeout'), Math.max(0, waitMs));
      onAbort = () => resolve('timeout');
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const result = await Promise.race([pending, timeout]);
      if (result !== 'timeout') this.pending = undefined;
      return result;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }
}

async function write(
  sink: Writable,
  chunk: Uint8Array,
  failed: Promise<'closed'>,
): Promise<boolean> {
  if (sink.destroyed || sink.writableEnded) return false;
  if (sink.write(chunk)) return true;
  const drained = new Promise<'drained'>((resolve) => sink.once('drain', () => resolve('drained')));
  return (await Promise.race([drained, failed])) === 'drained';
}

/** True once the bytes hold a complete MP4 `moov`, or enough of a stream that is not MP4. */
export function headerComplete(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset + 8 <= bytes.byteLength) {
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (!/^[a-z0-9 ]{4}$/i.test(type)) return bytes.byteLength >= NON_MP4_PREFIX_BYTES;
    let size = view.getUint32(offset);
    if (size === 1 && offset + 16 <= bytes.byteLength) size = Number(view.getBigUint64(offset + 8));
    if (size < 8) return bytes.byteLength >= NON_MP4_PREFIX_BYTES;
    if (offset + size > bytes.byteLength) return false;
    if (type === 'moov') return true;
    offset += size;
  }
  return false;
}

function toBytes(chunk: Chunk): Uint8Array {
  return typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  return chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks);
}
