/** The page's audio service has been asked to start (see warmAudioService). */
let warmed = false;

/**
 * Starts the browser's audio service without holding the page. A browser's first AudioContext
 * waits on the main thread while Chromium starts its audio service: 50–115 ms on this project's
 * test machine, right after the first frame, where it held that frame's presentation by as
 * much. Listing the media devices starts the same service asynchronously; a context made after
 * it takes 2–7 ms (bench/RESULTS.md). Without `navigator.mediaDevices` (an insecure page, a
 * worker) there is nothing to warm.
 */
export function warmAudioService(): void {
  if (warmed) return;
  warmed = true;
  const devices = globalThis.navigator?.mediaDevices;
  if (typeof devices?.enumerateDevices !== 'function') return;
  devices.enumerateDevices().catch(() => undefined);
}

/**
 * The player's sound output: one AudioContext, made when audio is about to play (or when the
 * viewer unmutes first), and whether sound is off: muted by the viewer, or not yet allowed to
 * play by the browser's autoplay policy. The player closes it with itself.
 */
export class AudioOutput {
  #context: AudioContext | undefined;
  #muted = true;

  /** Warms the audio service now, so that `open()` does not hold the page later. */
  constructor() {
    warmAudioService();
  }

  get muted(): boolean {
    return this.#muted;
  }

  /** The context, made on the first call; sound stays off until the browser lets it play. */
  open(): AudioContext {
    if (this.#context) return this.#context;
    this.#context = new AudioContext({ latencyHint: 'interactive' });
    this.#muted = this.#context.state !== 'running';
    return this.#context;
  }

  /** Unmutes (resuming a context the autoplay policy held), or flips mute. */
  async toggleMute(): Promise<void> {
    const context = this.open();
    if (context.state === 'running') {
      this.#muted = !this.#muted;
      return;
    }
    await context.resume();
    this.#muted = false;
  }

  close(): void {
    const context = this.#context;
    this.#context = undefined;
    void context?.close().catch(() => undefined);
  }
}
