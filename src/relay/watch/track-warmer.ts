import type { BroadcastProducer, TrackConsumer } from '../../moq/index.js';

/** How long a watch page's tracks stay subscribed upstream for the player it is about to start. */
export const WARM_MS = 5000;

/**
 * Keeps a broadcast's tracks flowing into the relay's cache for a few seconds after a watch page
 * was served, so the player's subscriptions moments later are answered at once, each from the
 * newest group's first object, instead of after an upstream round trip and the next keyframe.
 * One hold per track however many pages are served: a repeat only extends it.
 */
export class TrackWarmer {
  readonly #held = new Map<string, { consumer: TrackConsumer; timer: NodeJS.Timeout }>();
  readonly #warmMs: number;

  constructor(warmMs = WARM_MS) {
    this.#warmMs = warmMs;
  }

  warm(broadcast: BroadcastProducer, tracks: readonly string[]): void {
    for (const name of tracks) {
      const key = `${broadcast.path}\n${name}`;
      const held = this.#held.get(key);
      if (held) {
        held.timer.refresh();
        continue;
      }
      let consumer: TrackConsumer;
      try {
        consumer = broadcast.subscribe(name, 'latest');
      } catch {
        continue; // not a track of this broadcast (a stale catalog): nothing to warm
      }
      const timer = setTimeout(() => this.#release(key), this.#warmMs);
      timer.unref();
      this.#held.set(key, { consumer, timer });
      void consumer.closed.then(
        () => this.#release(key),
        () => this.#release(key),
      );
    }
  }

  /** Lets every held track go (the relay is closing). */
  close(): void {
    for (const key of [...this.#held.keys()]) this.#release(key);
  }

  #release(key: string): void {
    const held = this.#held.get(key);
    if (!held) return;
    this.#held.delete(key);
    clearTimeout(held.timer);
    held.consumer.close();
  }
}
