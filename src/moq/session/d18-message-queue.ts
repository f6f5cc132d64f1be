import type { MoqError } from '../error/index.js';
import type { ControlMessage } from '../message/index.js';

/**
 * Messages gathered from many streams (draft-18's control and request streams) read as one
 * ordered sequence, as the session's control loop expects; `fail` ends it with the error.
 */
export class MessageQueue {
  readonly #items: ControlMessage[] = [];
  #error: MoqError | undefined;
  #wake: (() => void) | undefined;

  push(message: ControlMessage): void {
    if (this.#error) return;
    this.#items.push(message);
    this.#notify();
  }

  fail(error: MoqError): void {
    this.#error ??= error;
    this.#notify();
  }

  async *drain(signal?: AbortSignal): AsyncGenerator<ControlMessage> {
    const onAbort = (): void => this.#notify();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        const next = this.#items.shift();
        if (next) {
          yield next;
          continue;
        }
        if (this.#error) throw this.#error;
        signal?.throwIfAborted();
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
