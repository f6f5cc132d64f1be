/**
 * The stage's height in device pixels, as the browser lays it out — watched, never asked for.
 * Reading `clientHeight` while the page is still loading forces a synchronous style and layout
 * pass: on a browser's first page that was 86 ms of the join's main thread (a CPU profile of the
 * first visit), spent just as the player chose its first rendition. A ResizeObserver learns the
 * height from the browser's own layout, which runs while the join waits on the network.
 */
export class StageSize {
  readonly #observer: ResizeObserver | undefined;
  #heightCssPx: number | undefined;

  constructor(stage: HTMLElement) {
    if (typeof ResizeObserver !== 'function') return;
    this.#observer = new ResizeObserver((entries) => {
      const entry = entries.at(-1);
      if (entry) this.#heightCssPx = entry.contentRect.height;
    });
    this.#observer.observe(stage);
  }

  /**
   * Device pixels the stage may show, with room for a fullscreen view (twice its height). Before
   * the first layout, the screen's height stands for it: a stage is never taller than its screen,
   * and a start capped at 360p (AbrController.initial) only goes lower for a stage under 180 px.
   */
  get showablePx(): number {
    const cssPx = this.#heightCssPx ?? screen.height;
    return cssPx * devicePixelRatio * 2;
  }

  close(): void {
    this.#observer?.disconnect();
  }
}
