/**
 * Camera/screen capture → the engine, as MediaRecorder WebM chunks through `pushChunk`.
 *
 * Why MediaRecorder rather than WebCodecs or ffmpeg's own device capture: the browser encodes
 * H.264 once (in hardware where it has it) and the engine copies that WebM into CMAF without
 * re-encoding, so the camera costs one encode; the same code runs in Electron and in a plain
 * browser talking to `moq-studio serve`, where ffmpeg could not reach the viewer's camera at all.
 * Where the browser has no H.264 recorder, VP8 is recorded and the engine encodes it once.
 * (We have not measured the latency of either path against ffmpeg capture.)
 */

/** Preferred first: H.264 is copied by the engine, VP8 costs it an encode. */
const MIME_TYPES = [
  'video/webm;codecs=h264,opus',
  'video/webm;codecs=avc1,opus',
  'video/webm;codecs=vp8,opus',
  'video/webm',
];
const VIDEO_ONLY_MIME_TYPES = ['video/webm;codecs=h264', 'video/webm;codecs=vp8', 'video/webm'];

/** Small slices keep latency low: the engine can package a frame ~100 ms after capture. */
const TIMESLICE_MS = 100;

/** The EBML magic (1A 45 DF A3) the engine looks for at the start of a capture. */
const HEADER_BYTES = 4;

/** Chunks waiting for their push to finish before we call the link too slow. */
const MAX_IN_FLIGHT = 50;

// Chromium accepts keyframe spacing in MediaRecorderOptions; TypeScript's DOM types lag behind.
interface RecorderOptions extends MediaRecorderOptions {
  videoKeyFrameIntervalDuration?: number;
}

export function recorderMimeType(stream: MediaStream): string | undefined {
  const candidates = stream.getAudioTracks().length > 0 ? MIME_TYPES : VIDEO_ONLY_MIME_TYPES;
  return candidates.find((type) => MediaRecorder.isTypeSupported(type));
}

export interface CaptureRecorderOptions {
  stream: MediaStream;
  /** Sends one chunk to the engine (StudioApi.pushChunk). */
  push: (bytes: Uint8Array) => Promise<void>;
  /** Tells the engine the capture ended (StudioApi.endChunks). */
  end: () => Promise<void>;
  /** Keyframe spacing = MoQ group duration. */
  gopMs: number;
  onError: (message: string) => void;
}

/**
 * One recording: started on Go live (so its first chunk, which carries the WebM header, opens
 * the engine's input) and stopped when the broadcast ends. Chunks are pushed strictly in order.
 */
export class CaptureRecorder {
  readonly mimeType: string;
  readonly #recorder: MediaRecorder;
  readonly #options: CaptureRecorderOptions;
  #queue: Promise<void> = Promise.resolve();
  #inFlight = 0;
  /** Bytes held back until the first push can carry the whole EBML magic (see #coalesce). */
  #head: Uint8Array | undefined = new Uint8Array(0);
  #failed = false;
  #stopped = false;

  constructor(options: CaptureRecorderOptions) {
    const mimeType = recorderMimeType(options.stream);
    if (!mimeType) throw new Error('this browser cannot record WebM (MediaRecorder)');
    this.mimeType = mimeType;
    this.#options = options;
    const recorderOptions: RecorderOptions = {
      mimeType,
      videoKeyFrameIntervalDuration: options.gopMs,
    };
    this.#recorder = new MediaRecorder(options.stream, recorderOptions);
    this.#recorder.ondataavailable = (event) => this.#enqueue(event.data);
    this.#recorder.onerror = () => this.#fail('the recorder stopped with an error');
  }

  start(): void {
    this.#recorder.start(TIMESLICE_MS);
  }

  /** Stops recording; with `end`, tells the engine once the last chunk went out. */
  async stop(end: boolean): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#recorder.state !== 'inactive') {
      const flushed = new Promise<void>((resolve) =>
        this.#recorder.addEventListener('stop', () => resolve(), { once: true }),
      );
      this.#recorder.stop();
      await flushed;
    }
    await this.#queue;
    if (end && !this.#failed) await this.#options.end().catch(() => undefined);
  }

  #enqueue(blob: Blob): void {
    if (this.#failed || blob.size === 0) return;
    if (this.#inFlight >= MAX_IN_FLIGHT) {
      this.#fail(
        `the studio engine is not taking the capture fast enough (${MAX_IN_FLIGHT} chunks waiting)`,
      );
      return;
    }
    this.#inFlight++;
    this.#queue = this.#queue.then(async () => {
      try {
        const bytes = this.#coalesce(new Uint8Array(await blob.arrayBuffer()));
        if (bytes && !this.#failed) await this.#options.push(bytes);
      } catch (error) {
        // After Stop the engine refuses late chunks; that is the end, not a failure.
        if (!this.#stopped) this.#fail(error instanceof Error ? error.message : String(error));
      } finally {
        this.#inFlight--;
      }
    });
  }

  /**
   * Chromium's WebM muxer emits the first byte of the file as a chunk of its own; the engine
   * recognises a capture's start by the 4-byte EBML magic, so the first push carries at least
   * HEADER_BYTES.
   */
  #coalesce(bytes: Uint8Array): Uint8Array | undefined {
    if (!this.#head) return bytes;
    const joined = new Uint8Array(this.#head.byteLength + bytes.byteLength);
    joined.set(this.#head);
    joined.set(bytes, this.#head.byteLength);
    if (joined.byteLength < HEADER_BYTES) {
      this.#head = joined;
      return undefined;
    }
    this.#head = undefined;
    return joined;
  }

  #fail(message: string): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#options.onError(message);
    if (this.#recorder.state !== 'inactive') this.#recorder.stop();
  }
}
