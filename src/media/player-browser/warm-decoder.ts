import { sameBytes } from '../../coding/index.js';
import type { MediaTrack } from './media-track.js';

/** What a video track's decoder is configured with (one place: the renderer uses it too). */
export function videoDecoderConfig(track: MediaTrack): VideoDecoderConfig {
  return {
    codec: track.info.codec,
    optimizeForLatency: true,
    ...(track.info.description ? { description: track.info.description } : {}),
    ...(track.info.width ? { codedWidth: track.info.width } : {}),
    ...(track.info.height ? { codedHeight: track.info.height } : {}),
  };
}

export interface DecoderCallbacks {
  output: (frame: VideoFrame) => void;
  error: (error: DOMException) => void;
}

/**
 * A VideoDecoder configured for the rendition a join starts on, as soon as the player knows it
 * (the page's catalog, before the session is up). A browser's decoder takes tens of ms to
 * start after `configure()` (60–140 ms from the first `decode()` to its first frame in a probe
 * on this project's 2-core machine, against 6–50 ms for one configured 50–1,200 ms earlier);
 * when the first group is already waiting (the page subscribed ahead), that start would be the
 * join's last step. The renderer takes it over for the same configuration; otherwise the
 * player closes it.
 */
export class WarmDecoder {
  readonly #decoder: VideoDecoder;
  readonly #config: VideoDecoderConfig;
  #callbacks: DecoderCallbacks | undefined;

  private constructor(config: VideoDecoderConfig) {
    this.#config = config;
    this.#decoder = new VideoDecoder({
      output: (frame) => (this.#callbacks ? this.#callbacks.output(frame) : frame.close()),
      error: (error) => this.#callbacks?.error(error),
    });
    this.#decoder.configure(config);
  }

  /** Starts a decoder for `track`; undefined where WebCodecs cannot (the player goes without). */
  static start(track: MediaTrack): WarmDecoder | undefined {
    if (typeof VideoDecoder !== 'function') return undefined;
    try {
      return new WarmDecoder(videoDecoderConfig(track));
    } catch {
      return undefined; // a configuration the browser refuses at once: the renderer reports it
    }
  }

  /**
   * The decoder, handed to whoever decodes `config` with `callbacks`, once; undefined when it
   * was made for another configuration, failed or was taken.
   */
  take(config: VideoDecoderConfig, callbacks: DecoderCallbacks): VideoDecoder | undefined {
    if (this.#callbacks || this.#decoder.state !== 'configured') return undefined;
    if (!sameConfig(config, this.#config)) return undefined;
    this.#callbacks = callbacks;
    return this.#decoder;
  }

  /** Closes it unless it was taken (safe to call twice). */
  close(): void {
    if (this.#callbacks || this.#decoder.state === 'closed') return;
    this.#decoder.close();
  }
}

function sameConfig(a: VideoDecoderConfig, b: VideoDecoderConfig): boolean {
  return (
    a.codec === b.codec &&
    a.codedWidth === b.codedWidth &&
    a.codedHeight === b.codedHeight &&
    sameDescription(a.description, b.description)
  );
}

function sameDescription(
  a: AllowSharedBufferSource | undefined,
  b: AllowSharedBufferSource | undefined,
): boolean {
  if (a === undefined || b === undefined) return a === b;
  return sameBytes(bytesOf(a), bytesOf(b));
}

function bytesOf(source: AllowSharedBufferSource): Uint8Array {
  return ArrayBuffer.isView(source)
    ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
    : new Uint8Array(source);
}
