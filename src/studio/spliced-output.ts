/**
 * One rendition's bytes across encoder replacements: the packager reads one continuous stream
 * per track while the ffmpeg behind it is swapped (an overloaded machine drops its top rung by
 * restarting the encoder with fewer renditions). The new encoder's stream starts with its own
 * init segment, which the packager takes as a restart of the same track: viewers stay
 * subscribed and the track's group ids keep growing.
 */
export class SplicedOutput implements AsyncIterable<Uint8Array> {
  #source: AsyncIterable<Uint8Array>;
  #holding = false;
  #drained: Deferred<void> | undefined;
  #successor: Deferred<AsyncIterable<Uint8Array> | undefined> | undefined;
  #iterating = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#source = source;
  }

  /**
   * Keeps the stream open when the current source ends (the encoder about to be replaced);
   * resolves once the reader has taken the source's last byte. Then `continueWith` or `end`.
   */
  hold(): Promise<void> {
    this.#holding = true;
    this.#drained ??= deferred<void>();
    this.#successor ??= deferred<AsyncIterable<Uint8Array> | undefined>();
    return this.#drained.promise;
  }

  /** After `hold`: the next source's bytes follow the previous one's. */
  continueWith(source: AsyncIterable<Uint8Array>): void {
    this.#successor?.resolve(source);
  }

  /** After `hold`: ends the stream cleanly, or with `error` (the replacement failed). */
  end(error?: Error): void {
    if (error) this.#successor?.reject(error);
    else this.#successor?.resolve(undefined);
    // A hold whose source never ends (nobody reads it) must not keep anyone waiting.
    this.#drained?.resolve();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    if (this.#iterating) throw new Error('a spliced output is read once');
    this.#iterating = true;
    for (;;) {
      yield* this.#source;
      const successor = this.#successor;
      if (!this.#holding || !successor) return;
      this.#drained?.resolve();
      const next = await successor.promise;
      this.#holding = false;
      this.#drained = undefined;
      this.#successor = undefined;
      if (!next) return;
      this.#source = next;
    }
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // observed by the reader
  return { promise, resolve, reject };
}
