/**
 * The one closing pattern of every model object: `closed` resolves when it ends cleanly and
 * rejects with the Error it ended with; `close(reason?)` is safe to call any number of times and
 * only the first call counts.
 */
export class Closable {
  readonly closed: Promise<void>;
  #settle!: (error?: Error) => void;
  #error: Error | undefined;
  #isClosed = false;
  #onClose: Array<(error: Error | undefined) => void> = [];

  constructor() {
    this.closed = new Promise<void>((resolve, reject) => {
      this.#settle = (error) => (error ? reject(error) : resolve());
    });
    this.closed.catch(() => undefined); // observed through `error` and `closed` by those who care
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** The error it closed with, if any. */
  get error(): Error | undefined {
    return this.#error;
  }

  /** Runs once at close (at once if already closed): how parents close children. */
  onClose(callback: (error: Error | undefined) => void): void {
    if (this.#isClosed) callback(this.#error);
    else this.#onClose.push(callback);
  }

  /** Returns false if it was already closed. */
  protected finish(error?: Error): boolean {
    if (this.#isClosed) return false;
    this.#isClosed = true;
    this.#error = error;
    this.#settle(error);
    const callbacks = this.#onClose;
    this.#onClose = [];
    for (const callback of callbacks) callback(error);
    return true;
  }
}
