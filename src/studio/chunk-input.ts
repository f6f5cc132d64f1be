import { PassThrough } from 'node:stream';
import { StudioError } from './studio-error.js';

/** Bytes held while nothing reads them (the encoder is not started yet) before refusing more. */
const MAX_UNREAD_BYTES = 32 * 1024 * 1024;

/**
 * The camera/screen capture from the renderer: MediaRecorder WebM chunks, in order, as the byte
 * stream ffmpeg reads on its stdin. Chunks pushed before going live wait here (the first one holds
 * the WebM header ffmpeg must see).
 */
export class ChunkInput {
  readonly stream = new PassThrough({ highWaterMark: MAX_UNREAD_BYTES });
  #pushed = 0;
  #ended = false;
  #firstChunk: () => void = () => undefined;
  /** Resolves with the first chunk. */
  readonly first = new Promise<void>((resolve) => (this.#firstChunk = resolve));

  get bytesPushed(): number {
    return this.#pushed;
  }

  get isEnded(): boolean {
    return this.#ended;
  }

  /**
   * Queues one chunk; returns false (and drops it) when a capture would start without the WebM
   * header — the tail of a recorder that kept running after Stop; the next recorder starts clean.
   */
  push(bytes: Uint8Array): boolean {
    if (this.#pushed === 0 && !startsWithHeader(bytes)) return false;
    if (this.#ended) {
      throw new StudioError('NO_CHUNKS', 'the capture already ended', 'start a new capture');
    }
    if (this.stream.writableLength > MAX_UNREAD_BYTES) {
      throw new StudioError(
        'NO_CHUNKS',
        'captured media is piling up with nothing encoding it',
        'press Go live, or stop the capture',
      );
    }
    this.#pushed += bytes.byteLength;
    this.stream.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    this.#firstChunk();
    return true;
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.stream.end();
  }
}

/** WebM (Matroska) files start with the EBML magic 1A 45 DF A3. */
const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3];

function startsWithHeader(bytes: Uint8Array): boolean {
  return EBML_MAGIC.every((byte, i) => bytes[i] === byte);
}
