import { PlayerError } from './player-error.js';

/**
 * Where a decoded frame goes to be seen. The renderer decides when a frame is due; the sink
 * only puts it on screen, taking ownership of it (it closes the frame).
 *
 * Drawing a VideoFrame on a 2D canvas converts and copies it on the page's main thread: 13–21 ms
 * for each 720p frame in a Chromium without GPU compositing, more than half of the main thread
 * at 30 fps — and the same thread reads the network and takes the decoder's output, so every
 * frame arrived that much later and more unevenly (the jitter margin grew with it). Where the
 * browser offers a track generator (Chromium's MediaStreamTrackGenerator), frames go to a
 * `<video>` through it instead: the write takes ≈ 0.2 ms and the compositor shows the frame.
 * Other browsers draw on the canvas.
 */
export interface FrameSink {
  /** The element to put on the stage. */
  readonly element: HTMLElement;
  /** Shows `frame` now and closes it. */
  show(frame: VideoFrame): void;
  close(): void;
}

/** Chromium's track generator (not in the DOM typings: it is not on every browser). */
interface TrackGenerator extends MediaStreamTrack {
  readonly writable: WritableStream<VideoFrame>;
}
type TrackGeneratorConstructor = new (init: { kind: 'video' }) => TrackGenerator;

const STAGE_STYLE: Partial<CSSStyleDeclaration> = {
  width: '100%',
  height: '100%',
  objectFit: 'contain',
  display: 'block',
  background: '#000',
};

/** The track generator when the browser has one, else the canvas. */
export function createFrameSink(): FrameSink {
  const Generator = (globalThis as { MediaStreamTrackGenerator?: TrackGeneratorConstructor })
    .MediaStreamTrackGenerator;
  if (typeof Generator === 'function') {
    try {
      return new TrackFrameSink(new Generator({ kind: 'video' }));
    } catch {
      // A generator that cannot be made here (a policy, a worker-only build): draw instead.
    }
  }
  return new CanvasFrameSink();
}

export class CanvasFrameSink implements FrameSink {
  readonly element: HTMLCanvasElement;
  readonly #context: CanvasRenderingContext2D;

  constructor() {
    this.element = document.createElement('canvas');
    this.element.className = 'moq-canvas';
    Object.assign(this.element.style, STAGE_STYLE);
    const context = this.element.getContext('2d', { alpha: false, desynchronized: true });
    if (!context) throw new PlayerError('DECODE_FAILED', 'no 2D canvas context');
    this.#context = context;
  }

  show(frame: VideoFrame): void {
    const canvas = this.element;
    if (canvas.width !== frame.displayWidth || canvas.height !== frame.displayHeight) {
      canvas.width = frame.displayWidth;
      canvas.height = frame.displayHeight;
    }
    this.#context.drawImage(frame, 0, 0, frame.displayWidth, frame.displayHeight);
    frame.close();
  }

  close(): void {
    this.element.remove();
  }
}

export class TrackFrameSink implements FrameSink {
  readonly element: HTMLVideoElement;
  readonly #generator: TrackGenerator;
  readonly #writer: WritableStreamDefaultWriter<VideoFrame>;
  #closed = false;

  constructor(generator: TrackGenerator) {
    this.#generator = generator;
    this.#writer = generator.writable.getWriter();
    const video = document.createElement('video');
    video.className = 'moq-video-out';
    video.muted = true; // the sound is the AudioContext's
    video.playsInline = true;
    video.autoplay = true;
    Object.assign(video.style, STAGE_STYLE);
    video.srcObject = new MediaStream([generator]);
    this.element = video;
  }

  show(frame: VideoFrame): void {
    if (this.#closed) {
      frame.close();
      return;
    }
    // The generator takes the frame (it is closed once written); a write refused because the
    // track ended has nothing left to show.
    this.#writer.write(frame).catch(() => frame.close());
    if (this.element.paused) this.element.play().catch(() => undefined);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#writer.close().catch(() => undefined);
    this.#generator.stop();
    this.element.srcObject = null;
    this.element.remove();
  }
}
