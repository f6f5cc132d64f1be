import type { TransportSession } from '../session.js';

/**
 * Echo behaviour used by tests, the benchmark and the Chromium page: bidi streams echo back,
 * each uni stream is answered on a new uni stream, datagrams echo. Works on any session shape.
 */
export function serveEcho(session: TransportSession): void {
  void pump(session.incomingBidirectionalStreams, (stream) =>
    copy(stream.readable, stream.writable),
  );
  void pump(session.incomingUnidirectionalStreams, async (readable: ReadableStream<Uint8Array>) => {
    const bytes = await readAll(readable);
    const writable = await session.createUnidirectionalStream();
    const writer = writable.getWriter();
    await writer.write(bytes);
    await writer.close();
  });
  void session.datagrams.readable.pipeTo(session.datagrams.writable).catch(() => undefined);
}

/** Like pipeTo, but closes in the same turn as the last write, so FIN rides on the last bytes. */
async function copy(readable: ReadableStream<Uint8Array>, writable: WritableStream<Uint8Array>) {
  const writer = writable.getWriter();
  try {
    for await (const chunk of readable) await writer.write(chunk);
    await writer.close();
  } catch (error) {
    await writer.abort(error).catch(() => undefined);
  }
}

async function pump<T>(
  source: ReadableStream<T>,
  handle: (item: T) => Promise<void>,
): Promise<void> {
  const reader = source.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      handle(value).catch(() => undefined);
    }
  } catch {
    // The session ended.
  }
}

export async function readAll(readable: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of readable) chunks.push(chunk);
  const out = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

export async function writeAll(
  writable: WritableStream<Uint8Array>,
  bytes: Uint8Array,
): Promise<void> {
  const writer = writable.getWriter();
  await writer.write(bytes);
  await writer.close();
}

/** Deterministic bytes so a test can tell a reordered or corrupted transfer from a good one. */
export function patternBytes(sizeBytes: number, seed = 0): Uint8Array {
  const out = new Uint8Array(sizeBytes);
  for (let i = 0; i < sizeBytes; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}
