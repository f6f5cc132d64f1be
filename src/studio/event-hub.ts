import type { StudioEventName, StudioEvents, StudioListener } from './studio-api.js';

/**
 * The studio's typed events. A listener that throws is dropped from nothing and breaks nothing:
 * its error is reported to `onListenerError`, and the other listeners still run.
 */
export class EventHub {
  readonly #listeners = new Map<StudioEventName, Set<(data: never) => void>>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  on<E extends StudioEventName>(event: E, listener: StudioListener<E>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  emit<E extends StudioEventName>(event: E, data: StudioEvents[E]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        (listener as StudioListener<E>)(data);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
