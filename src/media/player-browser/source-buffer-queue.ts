import { PlayerError } from './player-error.js';

type Operation =
  | { kind: 'append'; bytes: Uint8Array }
  | { kind: 'remove'; start: number; end: number }
  | { kind: 'changeType'; type: string };

/**
 * One SourceBuffer's operations, one at a time: MSE throws if an append starts while another is
 * still updating, so every append, remove and type change goes through this queue.
 */
export class SourceBufferQueue {
  readonly #buffer: SourceBuffer;
  readonly #onError: (error: PlayerError) => void;
  #queue: Operation[] = [];
  #closed = false;

  constructor(buffer: SourceBuffer, onError: (error: PlayerError) => void) {
    this.#buffer = buffer;
    this.#onError = onError;
    buffer.addEventListener('updateend', () => this.#next());
    buffer.addEventListener('error', () =>
      this.#fail(new PlayerError('MSE_FAILED', 'SourceBuffer append failed')),
    );
  }

  get buffered(): TimeRanges {
    return this.#buffer.buffered;
  }

  get pending(): number {
    return this.#queue.length;
  }

  append(bytes: Uint8Array): void {
    this.#push({ kind: 'append', bytes });
  }

  remove(start: number, end: number): void {
    if (end > start) this.#push({ kind: 'remove', start, end });
  }

  changeType(type: string): void {
    this.#push({ kind: 'changeType', type });
  }

  close(): void {
    this.#closed = true;
    this.#queue = [];
  }

  #push(operation: Operation): void {
    if (this.#closed) return;
    this.#queue.push(operation);
    if (!this.#buffer.updating) this.#next();
  }

  #next(): void {
    while (!this.#closed && !this.#buffer.updating) {
      const operation = this.#queue.shift();
      if (!operation) return;
      try {
        this.#run(operation);
      } catch (error) {
        this.#recover(operation, error);
      }
    }
  }

  #run(operation: Operation): void {
    switch (operation.kind) {
      case 'append':
        this.#buffer.appendBuffer(operation.bytes as Uint8Array<ArrayBuffer>);
        return;
      case 'remove':
        this.#buffer.remove(operation.start, operation.end);
        return;
      case 'changeType':
        this.#buffer.changeType(operation.type);
        return;
    }
  }

  /** A full buffer drops what is behind the play head and tries once more; anything else fails. */
  #recover(operation: Operation, error: unknown): void {
    const quota = error instanceof DOMException && error.name === 'QuotaExceededError';
    const ranges = this.#buffer.buffered;
    if (quota && operation.kind === 'append' && ranges.length > 0) {
      const end = ranges.end(ranges.length - 1);
      this.#queue.unshift({ kind: 'remove', start: 0, end: end - 2 }, operation);
      return;
    }
    this.#fail(new PlayerError('MSE_FAILED', `SourceBuffer ${operation.kind}: ${String(error)}`));
  }

  #fail(error: PlayerError): void {
    if (this.#closed) return;
    this.close();
    this.#onError(error);
  }
}
