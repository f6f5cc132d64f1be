/**
 * How evenly a broadcast's own source delivers a track, seen at the relay's origin: the longest
 * wait between two consecutive objects. On a loaded machine the live encoder itself can stall;
 * a player cannot show frames that were never made, so render-gap checks subtract this.
 */
import { GroupConsumer, type BroadcastProducer } from '../src/moq/index.js';

export class SourcePace {
  #lastAtMs: number | undefined;
  #longestGapMs = 0;
  readonly #abort = new AbortController();

  constructor(broadcast: BroadcastProducer, trackName: string) {
    void this.#watch(broadcast, trackName);
  }

  /** The longest wait between two objects since the last reset. */
  get longestGapMs(): number {
    return this.#longestGapMs;
  }

  reset(): void {
    this.#longestGapMs = 0;
  }

  close(): void {
    this.#abort.abort();
  }

  async #watch(broadcast: BroadcastProducer, trackName: string): Promise<void> {
    const consumer = broadcast.subscribe(trackName);
    try {
      for (;;) {
        const next = await consumer.nextGroup(this.#abort.signal);
        if (next === undefined) return;
        if (next instanceof GroupConsumer) await this.#readGroup(next);
      }
    } catch {
      // Closed or aborted: the pace seen so far stands.
    } finally {
      consumer.close();
    }
  }

  async #readGroup(group: GroupConsumer): Promise<void> {
    for (;;) {
      const object = await group.readObject(this.#abort.signal);
      if (object === undefined) return;
      const nowMs = performance.now();
      if (this.#lastAtMs !== undefined) {
        this.#longestGapMs = Math.max(this.#longestGapMs, nowMs - this.#lastAtMs);
      }
      this.#lastAtMs = nowMs;
    }
  }
}
